import { messages } from '../messages/answers.ts';
import type { Passage } from '../retrieval/passage.ts';
import { findNormalized } from '../text/normalize.ts';
import { splitSentences, type Span } from '../text/sentences.ts';
import { citationAt, type BodyOf } from './cite.ts';
import type { ModelReply } from './model.ts';
import { isFinished, joinUnits, markedNumbers, splitUnits, withoutMarkers, type RenderedUnit, type ReplyUnit } from './reply-units.ts';
import type { Outcome } from './result.ts';
import { checkSupport } from './support.ts';
import { contentStems, coverage } from './terms.ts';
import type { Citation } from '../store/types.ts';
import { EXCERPT } from './weights.ts';

/*
 * The verify step: a model's reply checked against the passages it was given. Markers pointing
 * nowhere are dropped; a sentence quoting words found in no passage is dropped; a citation of a
 * passage that does not support its sentence (figures missing, too few key terms: support.ts) is
 * dropped, and a sentence left without a citation is left out; every citation gets an excerpt that
 * is an exact span of the stored article, located by offsets.
 */

const QUOTE = /["“]([^"“”\n]{3,600})["”]/g;
/** An excerpt grows to the next sentence only while it stays shorter than this (characters). */
const MAX_TWO_SENTENCE_EXCERPT = 600;

/** A unit of the reply, checked: what it says, which passages support it, and the quotes found in them. */
interface CheckedUnit extends ReplyUnit {
  /** 0-based indexes into the passages. */
  cited: number[];
  /** Quotes in the unit, each with where it was found (passage index and span in passage.text). */
  quotes: { passage: number; span: Span }[];
}

/** What was left out of the reply, for the notices shown with it. */
interface LeftOut {
  fabricatedQuotes: number;
  uncitedSentences: number;
  truncated: boolean;
}

/** Checks a model's reply against its passages: the outcome to show, with notices of what was left out. */
export function verifyReply(reply: ModelReply, passages: readonly Passage[], notices: readonly string[], bodyOf: BodyOf): Outcome {
  const leftOut: LeftOut = { fabricatedQuotes: 0, uncitedSentences: 0, truncated: false };
  const units = dropUnfinished(splitUnits(reply.text), reply.truncated, leftOut);
  const checked = checkUnits(units, passages, leftOut);
  const { text, citations } = renderChecked(checked, passages, bodyOf, leftOut);
  const sourced = citations.length > 0;
  return {
    kind: sourced ? 'grounded' : 'unsupported',
    mode: 'llm',
    text,
    citations,
    passages: [...passages],
    notices: noticesFor(notices, leftOut, sourced),
    reply,
  };
}

/** The notices so far, then what the reader must know about the checked reply. */
function noticesFor(notices: readonly string[], leftOut: LeftOut, sourced: boolean): string[] {
  return [
    ...notices,
    ...(sourced ? [] : [messages.unsupported]),
    ...(leftOut.truncated ? [messages.answerTruncated] : []),
    ...(leftOut.fabricatedQuotes > 0 ? [messages.quotesRemoved(leftOut.fabricatedQuotes)] : []),
    ...(leftOut.uncitedSentences > 0 && sourced ? [messages.uncitedRemoved(leftOut.uncitedSentences)] : []),
  ];
}

/** A reply cut off at the token limit loses its unfinished last sentence. */
function dropUnfinished(units: ReplyUnit[], truncated: boolean, leftOut: LeftOut): ReplyUnit[] {
  const last = units.at(-1);
  if (!truncated || !last || isFinished(last)) return units;
  leftOut.truncated = true;
  return units.slice(0, -1);
}

/** Each unit with the passages that support it; units with no words, or quoting words found in no passage, are left out. */
function checkUnits(units: readonly ReplyUnit[], passages: readonly Passage[], leftOut: LeftOut): CheckedUnit[] {
  const checked: CheckedUnit[] = [];
  for (const unit of units) {
    const marked = [...new Set(markedNumbers(unit.text))].filter((n) => n >= 1 && n <= passages.length).map((n) => n - 1);
    const text = withoutMarkers(unit.text);
    if (!/[\p{L}\p{N}]/u.test(text)) continue;
    const quotes = quotesOf(text, passages, marked);
    if (quotes === null) {
      leftOut.fabricatedQuotes++;
      continue;
    }
    const support = checkSupport(
      text,
      passages,
      marked,
      quotes.map((q) => q.passage),
    );
    checked.push({ ...unit, text, cited: support.kept, quotes });
  }
  return checked;
}

/** Where each quote of the text was found (a single quoted word is emphasis, not a quote); null when one was found nowhere. */
function quotesOf(text: string, passages: readonly Passage[], cited: readonly number[]): CheckedUnit['quotes'] | null {
  const quotes: CheckedUnit['quotes'] = [];
  for (const q of text.matchAll(QUOTE)) {
    const quote = q[1] ?? '';
    if (quote.trim().split(/\s+/).length < 2) continue;
    const found = locateQuote(quote, passages, cited);
    if (!found) return null;
    quotes.push(found);
  }
  return quotes;
}

/** Where `quote` occurs in a passage (normalising quote marks and spaces), preferring cited ones. */
function locateQuote(quote: string, passages: readonly Passage[], preferred: readonly number[]): { passage: number; span: Span } | null {
  const order = [...preferred, ...passages.keys()].filter((v, i, all) => all.indexOf(v) === i);
  for (const index of order) {
    const passage = passages[index];
    const span = passage ? findNormalized(passage.text, quote) : null;
    if (span) return { passage: index, span };
  }
  return null;
}

/**
 * The checked units as text, with their citations renumbered; sentences left without a citation are
 * left out. With no valid citation at all, the claims are shown as written (markers removed).
 */
function renderChecked(
  checked: readonly CheckedUnit[],
  passages: readonly Passage[],
  bodyOf: BodyOf,
  leftOut: LeftOut,
): { text: string; citations: Citation[] } {
  const cited = checked.filter((u) => u.cited.length > 0);
  if (cited.length === 0) return { text: joinUnits(checked.map((u) => ({ ...u, markers: '' }))), citations: [] };
  const { rendered, citations } = numberCitations(cited, passages, bodyOf);
  const sourced = rendered.filter((u) => u.markers !== '');
  leftOut.uncitedSentences = checked.length - sourced.length;
  return { text: joinUnits(sourced), citations };
}

/**
 * Citations numbered in order of first use (an excerpt cited twice keeps its number), and each unit
 * with its markers; a unit whose excerpts do not match the stored text gets none.
 */
function numberCitations(
  units: readonly CheckedUnit[],
  passages: readonly Passage[],
  bodyOf: BodyOf,
): { rendered: RenderedUnit[]; citations: Citation[] } {
  const citations: Citation[] = [];
  const numberOf = new Map<string, number>();
  const rendered = units.map((unit) => {
    const numbers: number[] = [];
    for (const index of unit.cited) {
      const passage = passages[index] as Passage;
      const span = excerptSpan(passage, unit, index);
      const citation = citationAt(passage, passage.start + span.start, passage.start + span.end, bodyOf);
      if (!citation) continue;
      const key = `${citation.collection}\u0000${citation.articleId}\u0000${citation.start}\u0000${citation.end}`;
      let number = numberOf.get(key);
      if (number === undefined) {
        number = citations.length + 1;
        numberOf.set(key, number);
        citations.push({ number, ...citation });
      }
      if (!numbers.includes(number)) numbers.push(number);
    }
    return { text: unit.text, bullet: unit.bullet, paragraph: unit.paragraph, markers: numbers.map((n) => `[${n}]`).join('') };
  });
  return { rendered, citations };
}

/** The excerpt of a cited passage: the sentence(s) holding the unit's quote of it, else those that best support the unit. */
function excerptSpan(passage: Passage, unit: CheckedUnit, index: number): Span {
  const quote = unit.quotes.find((q) => q.passage === index);
  return quote ? sentenceAround(passage, quote.span) : supportingSpan(passage, unit.text);
}

/** Sentences of a passage (offsets into passage.text). */
function passageSentences(passage: Passage): Span[] {
  const spans = splitSentences(passage.text);
  return spans.length > 0 ? spans : [{ start: 0, end: passage.text.length }];
}

/** The sentence(s) of `passage` that best support `claim`: at most two adjacent ones. */
function supportingSpan(passage: Passage, claim: string): Span {
  const sentences = passageSentences(passage);
  const wanted = contentStems(claim);
  const scores = sentences.map((s) => coverage(wanted, contentStems(passage.text.slice(s.start, s.end))));
  let best = 0;
  scores.forEach((score, i) => {
    if (score > (scores[best] ?? 0)) best = i;
  });
  const bestScore = scores[best] ?? 0;
  const chosen = sentences[best] as Span;
  const next = sentences[best + 1];
  const nextScore = scores[best + 1] ?? 0;
  if (next && bestScore > 0 && nextScore >= bestScore * EXCERPT.nextSentenceShare && next.end - chosen.start < MAX_TWO_SENTENCE_EXCERPT) {
    return { start: chosen.start, end: next.end };
  }
  return chosen;
}

/** Grows a quote's span to the whole sentence(s) holding it, so the excerpt reads as a sentence. */
function sentenceAround(passage: Passage, span: Span): Span {
  const sentences = passageSentences(passage);
  const first = sentences.find((s) => s.end > span.start) ?? { start: span.start, end: span.end };
  const last = [...sentences].reverse().find((s) => s.start < span.end) ?? first;
  return { start: Math.min(first.start, span.start), end: Math.max(last.end, span.end) };
}
