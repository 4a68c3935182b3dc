import { nameKey, stem } from '../retrieval/keyword-query.ts';

/*
 * The names and calendar words a claim states — "Mayor Jane Holt", "Alder Harbour", "Monday",
 * "March" — each of which a passage must hold for the claim to be supported by it. A model told by an
 * article to "say the mayor resigned" writes names and days that no passage holds; word overlap alone
 * cannot tell ("council", "vote", "ferry" are everywhere in local news).
 */

/** Capitalised words that open a clause or quote rather than name anyone or anything. */
const NOT_NAMES = new Set([
  'a',
  'an',
  'the',
  'this',
  'that',
  'these',
  'those',
  'it',
  'its',
  'he',
  'she',
  'they',
  'we',
  'i',
  'you',
  'his',
  'her',
  'their',
  'our',
  'my',
  'but',
  'and',
  'or',
  'so',
  'yet',
  'then',
  'there',
  'here',
  'in',
  'on',
  'at',
  'as',
  'after',
  'before',
  'when',
  'while',
  'if',
  'although',
  'though',
  'because',
  'since',
  'however',
  'meanwhile',
  'still',
  'also',
  'now',
  'today',
  'yesterday',
  'tomorrow',
  'according',
  'some',
  'many',
  'most',
  'all',
  'both',
  'each',
  'other',
  'for',
  'with',
  'by',
  'from',
  'to',
  'of',
  'under',
  'over',
  'despite',
  'no',
  'not',
  'yes',
  'mr',
  'mrs',
  'ms',
  'dr',
  'st',
]);

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
/** Calendar words a passage may abbreviate ("Mon.", "Sept."), by the short form. */
const FULL_FORMS: ReadonlyMap<string, string> = new Map([
  ...WEEKDAYS.map((d): [string, string] => [d.slice(0, 3), d]),
  ...MONTHS.map((m): [string, string] => [m.slice(0, 3), m]),
  ['sept', 'september'],
  ['tues', 'tuesday'],
  ['thurs', 'thursday'],
]);

const WORD = /\p{L}[\p{L}\p{M}'’-]*/gu;
/** Marks after which a clause or quote begins: a capital after them is not evidence of a name. */
const CLAUSE_MARK = /[.!?:;"“‘(\u2014\u2013*•-]/u;

/** Whether the word at `index` opens the claim, a clause or a quote (spaces before it skipped). */
function opensClause(claim: string, index: number): boolean {
  let i = index - 1;
  while (i >= 0 && /\s/.test(claim[i] as string)) i--;
  return i < 0 || CLAUSE_MARK.test(claim[i] as string);
}

/** The forms a word may be matched by: lower-cased, Porter stem, and name key ("Turkish" ~ "Turkey"). */
function formsOf(word: string): string[] {
  const lower = word.toLowerCase().replace(/['’]s$/, '');
  return [lower, stem(lower), nameKey(lower)];
}

/**
 * The names a claim states, one entry per word, each as its matching forms: capitalised words inside a
 * clause, and a run of two or more at its start ("Jane Holt resigned"); weekdays and months wherever
 * they stand. Lone capitals opening a clause ("Council members…") are left to the word check.
 */
export function namesOf(claim: string): string[][] {
  const names: string[][] = [];
  const words = [...claim.matchAll(WORD)];
  words.forEach((m, i) => {
    // "Dec." in a claim is December, as in a passage.
    const short = claim[m.index + m[0].length] === '.' ? FULL_FORMS.get(m[0].toLowerCase()) : undefined;
    const word = short ?? m[0];
    const lower = word.toLowerCase().replace(/['’]s$/, '');
    const calendar = WEEKDAYS.includes(lower) || (MONTHS.includes(lower) && lower !== 'may');
    if (!calendar && (!/^\p{Lu}/u.test(m[0]) || NOT_NAMES.has(lower))) return;
    const next = words[i + 1];
    const runContinues = next !== undefined && /^\p{Lu}/u.test(next[0]) && /^\s+$/.test(claim.slice(m.index + word.length, next.index));
    if (!calendar && opensClause(claim, m.index) && !runContinues) return;
    names.push(formsOf(word));
  });
  return names;
}

/** Every form of every word of a passage's text (with headline, byline and publication date), for namesOf's entries. */
export function wordFormsOf(text: string, published: string | null): Set<string> {
  const forms = new Set<string>();
  for (const m of text.matchAll(WORD)) {
    for (const f of formsOf(m[0])) forms.add(f);
    const full = text[m.index + m[0].length] === '.' ? FULL_FORMS.get(m[0].toLowerCase()) : undefined;
    if (full) forms.add(full);
  }
  const date = published ? new Date(`${published.slice(0, 10)}T12:00:00Z`) : null;
  if (date && !Number.isNaN(date.getTime())) {
    // The story's own date may be named: "on Monday" in a story published that Monday.
    forms.add(WEEKDAYS[date.getUTCDay()] as string);
    forms.add(MONTHS[date.getUTCMonth()] as string);
  }
  return forms;
}

/** Whether a passage's word forms hold one of a name's forms. */
export function holdsName(passageForms: ReadonlySet<string>, forms: readonly string[]): boolean {
  return forms.some((f) => passageForms.has(f));
}
