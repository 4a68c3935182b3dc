import { splitsSurrogatePair } from './surrogates.ts';
import { createRequire } from 'node:module';
import type * as O200k from 'gpt-tokenizer/encoding/o200k_base';
import { splitSentences } from './sentences.ts';

type Tokenizer = typeof O200k;
let tokenizer: Tokenizer | undefined;
/** The o200k encoding, read on the first count (its tables take about 0.4 s of CPU to load; most commands never count). */
function o200k(): Tokenizer {
  return (tokenizer ??= createRequire(import.meta.url)('gpt-tokenizer/encoding/o200k_base') as Tokenizer);
}

// Article text is data, not control: "<|endoftext|>" inside a story is counted as plain text
// instead of making the tokenizer throw.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

// A truncation that would throw away more than this share of what fits is not worth a clean boundary.
const MIN_KEPT_SHARE = 0.5;
// Enough following text to decide how the sentence at the cut ends.
const SENTENCE_LOOKAHEAD_CHARS = 400;

// The tokenizer's byte-pair merge takes time quadratic in the length of one pre-tokenized piece (a
// run of letters, of CJK characters, of spaces…): a 200 KB "word" took 27 s. Runs longer than this
// are counted in pieces of this size, which costs a token or two per piece and keeps counting linear.
const MAX_RUN_CHARS = 128;
// Text is counted in segments of about this size, cut where the tokenizer would cut anyway.
const SEGMENT_CHARS = 2000;
const RUNS = /\s+|\S+/gu;

/**
 * Number of tokens `text` takes in an LLM prompt (o200k_base, the GPT-4o / GPT-5 encoding): exact for
 * ordinary text up to a token per few thousand characters, a close over-estimate for runs longer than
 * MAX_RUN_CHARS, and always counted in time linear in the length of `text`.
 */
export function countLlmTokens(text: string): number {
  let total = 0;
  for (const segment of countableSegments(text)) total += o200k().countTokens(segment, PLAIN_TEXT);
  return total;
}

/**
 * `text` cut into consecutive segments that the tokenizer reads as it would read the whole: a cut
 * falls before the whitespace character that precedes a word (the tokenizer joins the two), and a run
 * longer than MAX_RUN_CHARS is cut into pieces that are segments of their own.
 */
function* countableSegments(text: string): Generator<string> {
  if (text.length <= MAX_RUN_CHARS) {
    yield text;
    return;
  }
  let start = 0;
  for (const match of text.matchAll(RUNS)) {
    const runStart = match.index;
    const runEnd = runStart + match[0].length;
    if (runEnd - runStart > MAX_RUN_CHARS) {
      if (runStart > start) yield text.slice(start, runStart);
      yield* hardPieces(text, runStart, runEnd);
      start = runEnd;
    } else if (runEnd - start >= SEGMENT_CHARS && /\s/u.test(match[0]) && runEnd < text.length) {
      // Keep the run's last whitespace character with the word after it.
      yield text.slice(start, runEnd - 1);
      start = runEnd - 1;
    }
  }
  if (start < text.length) yield text.slice(start);
}

/** `text.slice(start, end)` in pieces of at most MAX_RUN_CHARS, never cutting a surrogate pair. */
function* hardPieces(text: string, start: number, end: number): Generator<string> {
  let from = start;
  while (from < end) {
    let to = Math.min(end, from + MAX_RUN_CHARS);
    if (to < end && splitsSurrogatePair(text, to)) to--;
    yield text.slice(from, to);
    from = to;
  }
}

/**
 * The longest prefix of `text` within `maxTokens`, cut after a whole sentence or, failing that,
 * between words; trailing whitespace is dropped. Always a prefix of `text`, so it stays verbatim.
 */
export function truncateToLlmTokens(text: string, maxTokens: number): string {
  if (maxTokens <= 0) return '';
  if (countLlmTokens(text) <= maxTokens) return text;

  // Every run of at most MAX_RUN_CHARS characters (a word, a space, a piece of a longer run) costs at
  // least one token, so what fits lies within this many characters: the search never re-counts more.
  const limit = Math.min(text.length, (maxTokens + 1) * 2 * MAX_RUN_CHARS);
  const fits = longestFittingPrefix(text, limit, maxTokens);
  const minimum = Math.floor(fits * MIN_KEPT_SHARE);

  const window = text.slice(0, Math.min(text.length, fits + SENTENCE_LOOKAHEAD_CHARS));
  const sentenceEnd = splitSentences(window)
    .map((s) => s.end)
    .filter((end) => end <= fits)
    .at(-1);
  if (sentenceEnd !== undefined && sentenceEnd > minimum) return text.slice(0, sentenceEnd);

  const wordEnd = lastWordEnd(text, fits);
  if (wordEnd > minimum) return text.slice(0, wordEnd);
  return text.slice(0, fits).trimEnd();
}

/** Largest code-point boundary `n` up to `limit` such that `text.slice(0, n)` fits in `maxTokens`. */
function longestFittingPrefix(text: string, limit: number, maxTokens: number): number {
  let low = 0;
  let high = limit;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (countLlmTokens(text.slice(0, middle)) <= maxTokens) low = middle;
    else high = middle - 1;
  }
  return splitsSurrogatePair(text, low) ? low - 1 : low;
}

/** End of the last word that ends at or before `limit` and is followed by whitespace; 0 if none. */
function lastWordEnd(text: string, limit: number): number {
  for (let i = limit; i > 0; i--) {
    if (/\s/u.test(text.charAt(i)) && !/\s/u.test(text.charAt(i - 1))) return i;
  }
  return 0;
}
