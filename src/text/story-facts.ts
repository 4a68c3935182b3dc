/*
 * Whether two texts that share most of their wording tell the same story. Shared wording is not
 * enough: templated news (council notices, results, market reports) repeats whole paragraphs and
 * differs only in an amount, a date, a name or a reference. Two versions are the same story when
 *
 * - their facts agree: the figures (any token with a digit, number words), the dates (months,
 *   weekdays) and the names (capitalised words inside a sentence) of one are all in the other,
 *   so that whichever is kept, no fact is lost with the other; and
 * - they open alike: the same headline, or the same lede (the first sentence, a wire dateline
 *   left out) give or take a few words.
 *
 * A lightly edited copy passes (a new headline, a dateline dropped, a paragraph cut or added
 * without a new name or figure, "said" made "says"); a template filled in again does not.
 */

/** Of the shorter lede's words, this share must be in the other's for the two to open alike. */
export const LEDE_AGREEMENT = 0.7;

export interface StoryFacts {
  /**
   * Figures, dates and names, lower-cased, with how often each is mentioned: a place named in the
   * boilerplate and again in the lede is two mentions, and a copy naming another place in the
   * lede has lost one.
   */
  facts: ReadonlyMap<string, number>;
  /** The headline's words, lower-cased, joined by single spaces. */
  headline: string;
  /** The words of the first sentence (after any dateline), lower-cased. */
  lede: ReadonlySet<string>;
}

/** How two versions of possibly one story relate (see sameStory). */
export interface StoryMatch {
  same: boolean;
  /** Every fact of `b` is in `a`: citing `a` loses nothing of `b`. */
  aCoversB: boolean;
  bCoversA: boolean;
}

/** A wire dateline opening a story: "ALDER HARBOUR, May 4 (Wire) — ", "LONDON (Reuters) - ". */
const DATELINE = /^\s*\p{Lu}[\p{Lu}\p{M} .'’-]{1,40}(?:,[^\n—–]{1,40}?)?(?:\s*\([^)\n]{1,40}\))?\s*(?:—|–|--| - )\s*/u;
/** Words with their inner punctuation: "4.80", "1,200", "2026-05-04", "O’Neill", "alpha17zq". */
const TOKEN = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:[.,:'’/-][\p{L}\p{M}\p{N}]+)*/gu;
/** What ends a sentence or clause before a capitalised word that is then not a name. */
const OPENER = /^(?:[.!?:;—–]|)$/u;
const QUOTES_AND_SPACE = /[\s"“”‘'’«»()[\]]+$/u;

const MONTHS_AND_DAYS = new Set(
  'january february march april may june july august september october november december monday tuesday wednesday thursday friday saturday sunday'.split(
    ' ',
  ),
);
const NUMBER_WORDS = new Set(
  (
    'two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty ' +
    'thirty forty fifty sixty seventy eighty ninety hundred thousand million billion trillion dozen half quarter'
  ).split(' '),
);
/** Capitalised inside a sentence without being a name (after a quote, in a title-cased phrase). */
const NOT_NAMES = new Set(
  'a an and as at but by for from he her his i in it its mr mrs ms dr of on or our she that the their them these they this those to we with you'.split(
    ' ',
  ),
);

export function storyFacts(title: string, body: string): StoryFacts {
  const text = body.replace(DATELINE, '');
  const facts = new Map<string, number>();
  for (const match of text.matchAll(TOKEN)) {
    const fact = factOf(match[0], text.slice(Math.max(0, match.index - 8), match.index));
    if (fact !== null) facts.set(fact, (facts.get(fact) ?? 0) + 1);
  }
  return { facts, headline: words(title).join(' '), lede: new Set(words(firstSentence(text))) };
}

/** The fact a token states, lower-cased, or null. `before` is the text just before it. */
function factOf(token: string, before: string): string | null {
  const lower = token.toLowerCase().replace(/['’]s$/u, '');
  if (/\p{N}/u.test(token)) return lower.replace(/(\p{N}),(?=\p{N}{3}(?!\p{N}))/gu, '$1');
  if (NUMBER_WORDS.has(lower) || MONTHS_AND_DAYS.has(lower)) return lower;
  if (!/^\p{Lu}/u.test(token) || NOT_NAMES.has(lower)) return null;
  // At the start of a sentence, a paragraph or a quotation, any word is capitalised.
  const gap = QUOTES_AND_SPACE.exec(before)?.[0] ?? '';
  const opening = gap.includes('\n') || OPENER.test(before.slice(0, before.length - gap.length).slice(-1));
  return opening ? null : lower;
}

function words(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

function firstSentence(text: string): string {
  const paragraph = text.trimStart().split(/\n/u, 1)[0] ?? '';
  const end = paragraph.search(/[.!?](?=\s+["“‘']?\p{Lu})/u);
  return end < 0 ? paragraph : paragraph.slice(0, end + 1);
}

/** Every mention of a fact in `b` is matched by one in `a`. */
function covers(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (b.size > a.size) return false;
  for (const [fact, mentions] of b) if ((a.get(fact) ?? 0) < mentions) return false;
  return true;
}

function openAlike(a: StoryFacts, b: StoryFacts): boolean {
  if (a.headline !== '' && a.headline === b.headline) return true;
  const [small, large] = a.lede.size <= b.lede.size ? [a.lede, b.lede] : [b.lede, a.lede];
  if (small.size === 0) return large.size === 0;
  let shared = 0;
  for (const word of small) if (large.has(word)) shared++;
  return shared / small.size >= LEDE_AGREEMENT;
}

/** Whether two versions whose wording mostly agrees are one story, and which one's facts hold the other's. */
export function sameStory(a: StoryFacts, b: StoryFacts): StoryMatch {
  const aCoversB = covers(a.facts, b.facts);
  const bCoversA = covers(b.facts, a.facts);
  return { same: (aCoversB || bCoversA) && openAlike(a, b), aCoversB, bCoversA };
}
