import { splitsSurrogatePair } from './surrogates.ts';
import { countTokens, decode, encode } from 'gpt-tokenizer/encoding/o200k_base';
import { splitSentences } from './sentences.ts';

// Article text is data, not control: "<|endoftext|>" inside a story is counted as plain text
// instead of making the tokenizer throw.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

// A truncation that would throw away more than this share of what fits is not worth a clean boundary.
const MIN_KEPT_SHARE = 0.5;
// Enough following text to decide how the sentence at the cut ends.
const SENTENCE_LOOKAHEAD_CHARS = 400;

/** Number of tokens `text` takes in an LLM prompt (o200k_base, the GPT-4o / GPT-5 encoding). */
export function countLlmTokens(text: string): number {
  return countTokens(text, PLAIN_TEXT);
}

/**
 * The longest prefix of `text` within `maxTokens`, cut after a whole sentence or, failing that,
 * between words; trailing whitespace is dropped. Always a prefix of `text`, so it stays verbatim.
 */
export function truncateToLlmTokens(text: string, maxTokens: number): string {
  if (maxTokens <= 0) return '';
  const tokens = encode(text, PLAIN_TEXT);
  if (tokens.length <= maxTokens) return text;

  // The first maxTokens tokens decode to roughly the prefix that fits; searching only up to there
  // keeps truncating a long text from re-counting all of it.
  const roughLength = decode(tokens.slice(0, maxTokens)).length;
  const fits = longestFittingPrefix(text, Math.min(text.length, roughLength + 8), maxTokens);
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
