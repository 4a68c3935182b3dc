import type { Chunk } from './chunk.ts';
import { overCharLimit, splitLongSpan, type PieceLimits } from './long-spans.ts';
import { splitParagraphSentences, type Span } from './sentences.ts';

export interface ChunkOptions {
  /** Most tokens a chunk may hold (summed over its sentences). */
  targetTokens: number;
  /** Most tokens of trailing sentences repeated at the start of the next chunk; 0 for none. */
  overlapTokens: number;
  countTokens: (text: string) => number;
  /**
   * Most characters a chunk may span, whatever the tokenizer counts (a tokenizer may count a 200 KB
   * "word" as one unknown token); `targetTokens × DEFAULT_CHARS_PER_TOKEN` by default.
   */
  maxChars?: number;
  /** Locale for sentence segmentation; 'en' by default. */
  locale?: string;
}

/** A sentence, or a piece of one too long for a chunk, with its token count. */
interface Unit extends Span {
  tokens: number;
  paragraph: number;
}

// Real text averages 3–6 characters per token (one or two in Chinese and Japanese); a span packing
// more than this many per allowed token is no prose, and is split by characters instead of counted whole.
export const DEFAULT_CHARS_PER_TOKEN = 10;

// A chunk this full ends at a paragraph end instead of taking the next paragraph's first sentence.
const PARAGRAPH_END_FILL = 0.6;

/**
 * Splits an article body into chunks of whole sentences, each an exact span of `body`
 * (`body.slice(start, end) === text`). Chunks respect paragraphs where they can, overlap by whole
 * trailing sentences, and split a sentence only when it alone exceeds `targetTokens`.
 */
export function chunkText(body: string, opts: ChunkOptions): Chunk[] {
  const limits = validateOptions(opts);
  const units = measureUnits(body, limits, opts.locale ?? 'en');
  const chunks: Chunk[] = [];
  let first = 0;
  let mustInclude = 0;
  while (first < units.length) {
    const end = packUntil(units, first, mustInclude, limits);
    const start = units[first]?.start ?? 0;
    const stop = units[end - 1]?.end ?? start;
    chunks.push({ index: chunks.length, text: body.slice(start, stop), start, end: stop });
    if (end >= units.length) break;
    first = overlapStart(units, first, end, { ...limits, overlapTokens: opts.overlapTokens });
    mustInclude = end;
  }
  return chunks;
}

function validateOptions({ targetTokens, overlapTokens, maxChars, countTokens }: ChunkOptions): PieceLimits {
  if (!Number.isInteger(targetTokens) || targetTokens < 1) {
    throw new RangeError(`targetTokens must be a positive integer, got ${targetTokens}`);
  }
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0 || overlapTokens >= targetTokens) {
    throw new RangeError(`overlapTokens must be an integer from 0 to targetTokens - 1, got ${overlapTokens}`);
  }
  if (maxChars !== undefined && (!Number.isInteger(maxChars) || maxChars < 2)) {
    throw new RangeError(`maxChars must be an integer of at least 2, got ${maxChars}`);
  }
  return { maxTokens: targetTokens, maxChars: maxChars ?? targetTokens * DEFAULT_CHARS_PER_TOKEN, countTokens };
}

function measureUnits(body: string, limits: PieceLimits, locale: string): Unit[] {
  const units: Unit[] = [];
  splitParagraphSentences(body, locale).forEach(({ sentences }, paragraph) => {
    for (const sentence of sentences) {
      const tokens = overCharLimit(sentence, limits) ? Infinity : limits.countTokens(body.slice(sentence.start, sentence.end));
      if (tokens <= limits.maxTokens) {
        units.push({ ...sentence, tokens, paragraph });
      } else {
        for (const piece of splitLongSpan(body, sentence, limits)) units.push({ ...piece, paragraph });
      }
    }
  });
  return units;
}

/**
 * Index one past the last unit of a chunk that begins at `first`. Units up to `mustInclude` are
 * always taken (the overlap and the first new unit), so every chunk makes progress.
 */
function packUntil(units: readonly Unit[], first: number, mustInclude: number, limits: PieceLimits): number {
  const targetTokens = limits.maxTokens;
  const chunkStart = units[first]?.start ?? 0;
  let total = 0;
  let end = first;
  for (; end < units.length; end++) {
    const unit = units[end];
    if (!unit) break;
    if (end > Math.max(first, mustInclude)) {
      if (total + unit.tokens > targetTokens || unit.end - chunkStart > limits.maxChars) break;
      const startsParagraph = unit.paragraph !== units[end - 1]?.paragraph;
      if (startsParagraph && total >= targetTokens * PARAGRAPH_END_FILL) break;
    }
    total += unit.tokens;
  }
  return end;
}

/**
 * First unit of the chunk after `[first, end)`: trailing units of that chunk totalling at most
 * `overlapTokens`, and few enough that the unit at `end` still fits with them, in tokens and in
 * characters. Always after `first`.
 */
function overlapStart(units: readonly Unit[], first: number, end: number, limits: PieceLimits & { overlapTokens: number }): number {
  const budget = Math.min(limits.overlapTokens, limits.maxTokens - (units[end]?.tokens ?? 0));
  const nextEnd = units[end]?.end ?? 0;
  let start = end;
  let total = 0;
  while (start - 1 > first) {
    const unit = units[start - 1];
    if (!unit || total + unit.tokens > budget || nextEnd - unit.start > limits.maxChars) break;
    total += unit.tokens;
    start--;
  }
  return start;
}
