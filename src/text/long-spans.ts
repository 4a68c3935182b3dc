import { splitsSurrogatePair } from './surrogates.ts';
import type { Span } from './sentences.ts';

/** How much one piece of a chunk may hold: tokens as the tokenizer counts them, and characters. */
export interface PieceLimits {
  maxTokens: number;
  maxChars: number;
  countTokens: (text: string) => number;
}

export type CountedSpan = Span & { tokens: number };

/** Whether a span is too long to be counted whole: tokenizers can take quadratic time on a long word. */
export function overCharLimit(span: Span, limits: PieceLimits): boolean {
  return span.end - span.start > limits.maxChars;
}

/**
 * Splits a span too long for one chunk at whitespace into pieces within both limits; a word too long
 * on its own is split between characters. Every piece is counted, none longer than `maxChars`.
 */
export function splitLongSpan(body: string, span: Span, limits: PieceLimits): CountedSpan[] {
  const pieces: CountedSpan[] = [];
  const words = wordSpans(body, span);
  let i = 0;
  while (i < words.length) {
    const word = words[i];
    if (!word) break;
    const wordTokens = overCharLimit(word, limits) ? Infinity : limits.countTokens(body.slice(word.start, word.end));
    if (wordTokens > limits.maxTokens) {
      pieces.push(...splitAtCharacters(body, word, limits));
      i++;
      continue;
    }
    const last = lastWordOfPiece(body, words, i, wordTokens, limits);
    pieces.push(confirmPiece(body, words, i, last, limits));
    i = last + 1;
  }
  return pieces;
}

/** Grows a piece from `words[first]` greedily by word, estimating tokens from per-word counts. */
function lastWordOfPiece(body: string, words: readonly Span[], first: number, firstTokens: number, limits: PieceLimits): number {
  const start = words[first]?.start ?? 0;
  let last = first;
  let estimate = firstTokens;
  while (last + 1 < words.length) {
    const nextWord = words[last + 1];
    if (!nextWord || nextWord.end - start > limits.maxChars) break;
    // The word with the whitespace before it, as a tokenizer sees it inside the piece.
    const nextTokens = limits.countTokens(body.slice(words[last]?.end ?? start, nextWord.end));
    if (estimate + nextTokens > limits.maxTokens) break;
    estimate += nextTokens;
    last++;
  }
  return last;
}

/** The piece `words[first..last]` counted as a whole, dropping words from its end while it is over. */
function confirmPiece(body: string, words: readonly Span[], first: number, last: number, limits: PieceLimits): CountedSpan {
  const start = words[first]?.start ?? 0;
  const endOf = (index: number): number => words[index]?.end ?? start;
  let end = last;
  let tokens = limits.countTokens(body.slice(start, endOf(end)));
  while (tokens > limits.maxTokens && end > first) {
    end--;
    tokens = limits.countTokens(body.slice(start, endOf(end)));
  }
  return { start, end: endOf(end), tokens };
}

function wordSpans(body: string, span: Span): Span[] {
  const words: Span[] = [];
  const text = body.slice(span.start, span.end);
  for (const match of text.matchAll(/\S+/gu)) {
    words.push({ start: span.start + match.index, end: span.start + match.index + match[0].length });
  }
  return words;
}

/** Splits one word into pieces within both limits, never inside a surrogate pair. */
function splitAtCharacters(body: string, word: Span, limits: PieceLimits): CountedSpan[] {
  const pieces: CountedSpan[] = [];
  let start = word.start;
  while (start < word.end) {
    const limit = Math.min(word.end, alignDown(body, start + limits.maxChars));
    const end = longestFittingEnd(body, start, Math.max(limit, alignUp(body, start + 1)), limits);
    pieces.push({ start, end, tokens: limits.countTokens(body.slice(start, end)) });
    start = end;
  }
  return pieces;
}

/**
 * End of the longest piece from `start` (at most `limit`) within `maxTokens`, and at least one code
 * point. Grows the piece by doubling, then bisects, so each step counts at most twice the piece.
 */
function longestFittingEnd(body: string, start: number, limit: number, limits: PieceLimits): number {
  const fits = (end: number): boolean => limits.countTokens(body.slice(start, end)) <= limits.maxTokens;
  let good = alignUp(body, start + 1);
  if (good >= limit || !fits(good)) return good;
  let bad = limit + 1;
  let size = good - start;
  while (good < limit) {
    size *= 2;
    const candidate = alignUp(body, Math.min(start + size, limit));
    if (!fits(candidate)) {
      bad = candidate;
      break;
    }
    good = candidate;
  }
  while (bad <= limit) {
    const middle = alignDown(body, Math.floor((good + bad) / 2));
    if (middle <= good) break;
    if (fits(middle)) good = middle;
    else bad = middle;
  }
  return good;
}

function alignUp(text: string, index: number): number {
  return splitsSurrogatePair(text, index) ? index + 1 : index;
}

function alignDown(text: string, index: number): number {
  return splitsSurrogatePair(text, index) ? index - 1 : index;
}
