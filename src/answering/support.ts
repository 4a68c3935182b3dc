import type { Passage } from '../retrieval/passage.ts';
import { holdsName, namesOf, wordFormsOf } from './claim-names.ts';
import { contentStems, coverage } from './terms.ts';
import { CLAIM_SUPPORT } from './weights.ts';

/**
 * Whether the passages a model cited for a sentence support it: the sentence's numbers, names and
 * calendar words (claim-names.ts) occur in them, and enough of its key terms occur in them or their
 * headlines. A citation that fails is
 * dropped, so a sentence pointing to an unrelated passage (or quoting a figure no cited passage
 * has) ends up uncited and is left out like any other uncited sentence. How much must match:
 * CLAIM_SUPPORT (weights.ts).
 */

const SCALES: Record<string, number> = { thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12 };

/** Spelled-out numbers a paraphrase may write as digits, or the other way round. */
const NUMBER_WORDS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  hundred: 100,
  dozen: 12,
};

/** "one" is mostly a pronoun ("one of the girders"): it counts when a passage says it, never as a figure a claim must show. */
const NOT_A_FIGURE = new Set(['one']);

// "5,200", "412,600", "$18.4", "9.4", "2026", then an optional scale word ("4 million", "$1.2bn").
const NUMBER = /(\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?)(?:\s*(thousand|million|billion|trillion|bn|m)\b)?/gi;
const WORD = /\b[a-z]+(?:-[a-z]+)?\b/gi;

/** "4", "4.50" → "4.5", "18.40" → "18.4": one spelling per value. */
function canonical(value: number): string {
  return String(Math.round(value * 1e6) / 1e6);
}

/**
 * The figures in a text, each as the set of spellings that count as the same value: "5,200" and
 * "5200" → {"5200"}; "$4 million" → {"4", "4000000"}, so it matches "4 million", "$4m" and
 * "4,000,000"; "9.4 percent" and "9.4%" → {"9.4"}.
 */
function figuresOf(text: string, options: { spelledOut: 'all' | 'figures-only' } = { spelledOut: 'all' }): Set<string>[] {
  const figures: Set<string>[] = [];
  for (const m of text.matchAll(NUMBER)) {
    const value = Number((m[1] ?? '').replace(/,/g, ''));
    if (!Number.isFinite(value)) continue;
    const forms = new Set([canonical(value)]);
    const scaleWord = (m[2] ?? '').toLowerCase();
    const scale = SCALES[scaleWord] ?? (scaleWord === 'bn' ? 1e9 : scaleWord === 'm' ? 1e6 : undefined);
    if (scale) forms.add(canonical(value * scale));
    figures.push(forms);
  }
  for (const m of text.matchAll(WORD)) {
    const [first = '', second = ''] = m[0].toLowerCase().split('-');
    const head = NUMBER_WORDS[first];
    if (head === undefined) continue;
    if (options.spelledOut === 'figures-only' && NOT_A_FIGURE.has(first)) continue;
    const tail = NUMBER_WORDS[second];
    // "twenty-two" is 22; "two-lane" holds a 2.
    const value = head >= 20 && head < 100 && tail !== undefined && tail < 10 ? head + tail : head;
    figures.push(new Set([canonical(value)]));
  }
  return figures;
}

/** Every spelling of every figure in the passage, its headline and its publication date. */
function passageFigures(p: Passage): Set<string> {
  const all = new Set<string>();
  const dateParts = p.published ? p.published.slice(0, 10).split('-').join(' ') : '';
  for (const forms of figuresOf(`${p.title}\n${p.text}\n${dateParts}`)) for (const f of forms) all.add(f);
  return all;
}

/** The claim's key terms: stems of its meaningful words (not name keys), figures left to the number check. */
function keyTerms(claim: string): Set<string> {
  return new Set([...contentStems(claim)].filter((stem) => !/^[\d~]/.test(stem)));
}

/** Stems of every meaningful word of the passage, its headline and byline. */
function passageTerms(p: Passage): Set<string> {
  return contentStems(`${p.title}\n${p.byline ?? ''}\n${p.text}`);
}

type PassageFacts = Pick<CitedPassage, 'terms' | 'figures' | 'words'>;

/** What a passage holds, worked out once per passage: every sentence of an answer is checked against the same few. */
const passageFacts = new WeakMap<Passage, PassageFacts>();

function factsOf(passage: Passage): PassageFacts {
  let facts = passageFacts.get(passage);
  if (!facts) {
    facts = {
      terms: passageTerms(passage),
      figures: passageFigures(passage),
      words: wordFormsOf(`${passage.title}\n${passage.byline ?? ''}\n${passage.text}`, passage.published),
    };
    passageFacts.set(passage, facts);
  }
  return facts;
}

export interface SupportCheck {
  /** The cited passages (0-based indexes) that support the claim, in citation order; the others are dropped. */
  kept: number[];
}

/** A cited passage, with what the claim is checked against and how much of its key terms it holds. */
interface CitedPassage {
  index: number;
  terms: Set<string>;
  figures: Set<string>;
  /** Every form of its words (with headline, byline and date), for the claim's names. */
  words: Set<string>;
  score: number;
}

/** What a claim states that its passages must hold exactly: figures, and names and calendar words. */
interface ClaimFacts {
  figures: Set<string>[];
  names: string[][];
}

const holdsTerm = (terms: ReadonlySet<string>, term: string) => coverage(new Set([term]), terms) > 0;
const holdsFigure = (available: ReadonlySet<string>, forms: ReadonlySet<string>) => [...forms].some((f) => available.has(f));

/**
 * The cited passages that carry the claim, best first: each holding enough of its key terms, or, when
 * several are cited, a part of it (a term or figure the better ones lack).
 */
function carryingPassages(cited: readonly CitedPassage[], wanted: ReadonlySet<string>, { figures, names }: ClaimFacts): CitedPassage[] {
  const { claimTermCoverage, partTermCoverage } = CLAIM_SUPPORT;
  const kept: CitedPassage[] = [];
  for (const c of [...cited].sort((a, b) => b.score - a.score)) {
    if (c.score >= claimTermCoverage) {
      kept.push(c);
      continue;
    }
    if (cited.length === 1 || c.score < partTermCoverage) continue;
    const addsTerm = [...wanted].some((t) => holdsTerm(c.terms, t) && !kept.some((k) => holdsTerm(k.terms, t)));
    const addsFigure = figures.some((forms) => holdsFigure(c.figures, forms) && !kept.some((k) => holdsFigure(k.figures, forms)));
    const addsName = names.some((forms) => holdsName(c.words, forms) && !kept.some((k) => holdsName(k.words, forms)));
    if (addsTerm || addsFigure || addsName) kept.push(c);
  }
  return kept;
}

/** Whether the kept passages together support the claim: enough of its key terms, and every one of its figures and names. */
function supportTogether(kept: readonly CitedPassage[], wanted: ReadonlySet<string>, { figures, names }: ClaimFacts): boolean {
  const { claimTermCoverage } = CLAIM_SUPPORT;
  const together = new Set(kept.flatMap((k) => [...k.terms]));
  const allFigures = new Set(kept.flatMap((k) => [...k.figures]));
  const allWords = new Set(kept.flatMap((k) => [...k.words]));
  return (
    kept.length > 0 &&
    (kept.some((k) => k.score >= claimTermCoverage) || coverage(wanted, together) >= claimTermCoverage) &&
    figures.every((forms) => holdsFigure(allFigures, forms)) &&
    names.every((forms) => holdsName(allWords, forms))
  );
}

/**
 * Which of the `cited` passages support `claim`. `quoted` are passages a quote of the claim was
 * found in: the quote is their support, whatever the word overlap. Every figure and name of the claim
 * must occur in a kept passage, or no citation is kept at all.
 */
export function checkSupport(
  claim: string,
  passages: readonly Passage[],
  cited: readonly number[],
  quoted: readonly number[] = [],
): SupportCheck {
  const wanted = keyTerms(claim);
  const facts: ClaimFacts = { figures: figuresOf(claim, { spelledOut: 'figures-only' }), names: namesOf(claim) };
  const candidates = cited.map((index): CitedPassage => {
    const facts = factsOf(passages[index] as Passage);
    const score = wanted.size === 0 || quoted.includes(index) ? 1 : coverage(wanted, facts.terms);
    return { index, ...facts, score };
  });
  const kept = carryingPassages(candidates, wanted, facts);
  if (!supportTogether(kept, wanted, facts)) return { kept: [] };
  return { kept: cited.filter((i) => kept.some((k) => k.index === i)) };
}
