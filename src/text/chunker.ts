import { splitsSurrogatePair } from './surrogates.ts';
import type { Chunk } from './chunk.ts';
import { splitParagraphSentences, type Span } from './sentences.ts';

export interface ChunkOptions {
  /** Most tokens a chunk may hold (summed over its sentences). */
  targetTokens: number;
  /** Most tokens of trailing sentences repeated at the start of the next chunk; 0 for none. */
  overlapTokens: number;
  countTokens: (text: string) => number;
  /** Locale for sentence segmentation; 'en' by default. */
  locale?: string;
}

/** A sentence, or a piece of one too long for a chunk, with its token count. */
interface Unit extends Span {
  tokens: number;
  paragraph: number;
}

// Text longer than this many characters per allowed token is split without being counted whole:
// real text never packs that densely, and some tokenizers take quadratic time on one huge word.
const MAX_CHARS_PER_TOKEN = 50;

// A chunk this full ends at a paragraph end instead of taking the next paragraph's first sentence.
const PARAGRAPH_END_FILL = 0.6;

/**
 * Splits an article body into chunks of whole sentences, each an exact span of `body`
 * (`body.slice(start, end) === text`). Chunks respect paragraphs where they can, overlap by whole
 * trailing sentences, and split a sentence only when it alone exceeds `targetTokens`.
 */
export function chunkText(body: string, opts: ChunkOptions): Chunk[] {
  validateOptions(opts);
  const units = measureUnits(body, opts);
  const chunks: Chunk[] = [];
  let first = 0;
  let mustInclude = 0;
  while (first < units.length) {
    const end = packUntil(units, first, mustInclude, opts.targetTokens);
    const start = units[first]?.start ?? 0;
    const stop = units[end - 1]?.end ?? start;
    chunks.push({ index: chunks.length, text: body.slice(start, stop), start, end: stop });
    if (end >= units.length) break;
    first = overlapStart(units, first, end, opts);
    mustInclude = end;
  }
  return chunks;
}

function validateOptions({ targetTokens, overlapTokens }: ChunkOptions): void {
  if (!Number.isInteger(targetTokens) || targetTokens < 1) {
    throw new RangeError(`targetTokens must be a positive integer, got ${targetTokens}`);
  }
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0 || overlapTokens >= targetTokens) {
    throw new RangeError(`overlapTokens must be an integer from 0 to targetTokens - 1, got ${overlapTokens}`);
  }
}

function measureUnits(body: string, opts: ChunkOptions): Unit[] {
  const units: Unit[] = [];
  splitParagraphSentences(body, opts.locale ?? 'en').forEach(({ sentences }, paragraph) => {
    for (const sentence of sentences) {
      const tokens = tooLongToCount(sentence, opts.targetTokens)
        ? Infinity
        : opts.countTokens(body.slice(sentence.start, sentence.end));
      if (tokens <= opts.targetTokens) {
        units.push({ ...sentence, tokens, paragraph });
      } else {
        for (const piece of splitLongSpan(body, sentence, opts.targetTokens, opts.countTokens)) {
          units.push({ ...piece, paragraph });
        }
      }
    }
  });
  return units;
}

/**
 * Index one past the last unit of a chunk that begins at `first`. Units up to `mustInclude` are
 * always taken (the overlap and the first new unit), so every chunk makes progress.
 */
function packUntil(units: readonly Unit[], first: number, mustInclude: number, targetTokens: number): number {
  let total = 0;
  let end = first;
  for (; end < units.length; end++) {
    const unit = units[end];
    if (!unit) break;
    if (end > Math.max(first, mustInclude)) {
      if (total + unit.tokens > targetTokens) break;
      const startsParagraph = unit.paragraph !== units[end - 1]?.paragraph;
      if (startsParagraph && total >= targetTokens * PARAGRAPH_END_FILL) break;
    }
    total += unit.tokens;
  }
  return end;
}

/**
 * First unit of the chunk after `[first, end)`: trailing units of that chunk totalling at most
 * `overlapTokens`, and few enough that the unit at `end` still fits with them. Always after `first`.
 */
function overlapStart(units: readonly Unit[], first: number, end: number, opts: ChunkOptions): number {
  const budget = Math.min(opts.overlapTokens, opts.targetTokens - (units[end]?.tokens ?? 0));
  let start = end;
  let total = 0;
  while (start - 1 > first) {
    const unit = units[start - 1];
    if (!unit || total + unit.tokens > budget) break;
    total += unit.tokens;
    start--;
  }
  return start;
}

/** Splits a too-long span at whitespace into pieces of at most `maxTokens`, words too long at characters. */
function splitLongSpan(
  body: string,
  span: Span,
  maxTokens: number,
  countTokens: (text: string) => number,
): (Span & { tokens: number })[] {
  const pieces: (Span & { tokens: number })[] = [];
  const words = wordSpans(body, span);
  let i = 0;
  while (i < words.length) {
    const word = words[i];
    if (!word) break;
    const wordTokens = tooLongToCount(word, maxTokens) ? Infinity : countTokens(body.slice(word.start, word.end));
    if (wordTokens > maxTokens) {
      pieces.push(...splitAtCharacters(body, word, maxTokens, countTokens));
      i++;
      continue;
    }
    // Grow greedily by word, estimating from per-word counts, then confirm on the piece itself.
    let last = i;
    let estimate = wordTokens;
    while (last + 1 < words.length) {
      const nextWord = words[last + 1];
      if (!nextWord) break;
      // The word with the whitespace before it, as a tokenizer sees it inside the piece.
      const nextTokens = countTokens(body.slice(words[last]?.end ?? word.end, nextWord.end));
      if (estimate + nextTokens > maxTokens) break;
      estimate += nextTokens;
      last++;
    }
    let tokens = countTokens(body.slice(word.start, words[last]?.end ?? word.end));
    while (tokens > maxTokens && last > i) {
      last--;
      tokens = countTokens(body.slice(word.start, words[last]?.end ?? word.end));
    }
    pieces.push({ start: word.start, end: words[last]?.end ?? word.end, tokens });
    i = last + 1;
  }
  return pieces;
}

function tooLongToCount(span: Span, maxTokens: number): boolean {
  return span.end - span.start > maxTokens * MAX_CHARS_PER_TOKEN;
}

function wordSpans(body: string, span: Span): Span[] {
  const words: Span[] = [];
  const text = body.slice(span.start, span.end);
  for (const match of text.matchAll(/\S+/gu)) {
    words.push({ start: span.start + match.index, end: span.start + match.index + match[0].length });
  }
  return words;
}

/** Splits one word into pieces of at most `maxTokens`, never inside a surrogate pair. */
function splitAtCharacters(
  body: string,
  word: Span,
  maxTokens: number,
  countTokens: (text: string) => number,
): (Span & { tokens: number })[] {
  const pieces: (Span & { tokens: number })[] = [];
  let start = word.start;
  while (start < word.end) {
    const end = longestFittingEnd(body, start, word.end, maxTokens, countTokens);
    pieces.push({ start, end, tokens: countTokens(body.slice(start, end)) });
    start = end;
  }
  return pieces;
}

/**
 * End of the longest piece from `start` (at most `limit`) within `maxTokens`, and at least one code
 * point. Grows the piece by doubling, then bisects, so each step counts at most twice the piece.
 */
function longestFittingEnd(
  body: string,
  start: number,
  limit: number,
  maxTokens: number,
  countTokens: (text: string) => number,
): number {
  const fits = (end: number): boolean => countTokens(body.slice(start, end)) <= maxTokens;
  let good = alignUp(body, start + 1);
  if (!fits(good)) return good;
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
