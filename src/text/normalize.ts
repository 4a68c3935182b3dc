/**
 * Normalisation for matching a quote a model wrote against the stored article text: typographic
 * quotes, dashes and spacing differ between the two without changing what the words say.
 */

const REPLACEMENTS = new Map<string, string>([
  ['‘', "'"],
  ['’', "'"],
  ['‚', "'"],
  ['‛', "'"],
  ['′', "'"],
  ['‹', "'"],
  ['›', "'"],
  ['“', '"'],
  ['”', '"'],
  ['„', '"'],
  ['‟', '"'],
  ['«', '"'],
  ['»', '"'],
  ['″', '"'],
  ['‐', '-'],
  ['‑', '-'],
  ['‒', '-'],
  ['–', '-'],
  ['—', '-'],
  ['―', '-'],
  ['…', '...'],
  // Bracketed numbers in article text are shown to the model in full-width brackets (src/text/markers.ts).
  ['［', '['],
  ['］', ']'],
]);

// Invisible characters that HTML-derived text carries and a model never reproduces.
const DROPPED = new Set(['\u00ad', '\u200b', '\u2060', '\ufeff']);

const WHITESPACE = /\s/u;
// A code point with the marks (and Hangul vowel/final jamo) that NFC may compose into it. Cheaper
// than Intl.Segmenter graphemes, whose iteration slows down badly on long strings.
const CLUSTER = /[\s\S][\p{M}\u1160-\u11ff\ud7b0-\ud7ff]*/gu;

/** Normalised text plus, for each of its UTF-16 units, the original cluster it came from. */
interface NormalizedText {
  text: string;
  /** Original start of the cluster that produced normalised unit i. */
  sourceStart: number[];
  /** Original end of that cluster. */
  sourceEnd: number[];
  /** Whether normalised unit i is the first unit its cluster produced. */
  firstOfCluster: boolean[];
  /** Whether normalised unit i is the last unit its cluster produced. */
  lastOfCluster: boolean[];
}

/**
 * NFC; curly quotes, primes and guillemets to straight quotes; dashes to "-"; "…" to "...";
 * full-width square brackets to ASCII; any whitespace run to one space; trimmed. Case is kept.
 */
export function normalizeForMatch(s: string): string {
  return normalizeWithMap(s).text;
}

/**
 * Where `needle` occurs in `haystack` once both are normalised, as offsets into the original
 * `haystack`, so `haystack.slice(start, end)` is the stored text exactly. Case-sensitive; a match
 * must begin and end on whole characters of the haystack. Null when absent or the needle is empty.
 */
export function findNormalized(haystack: string, needle: string): { start: number; end: number } | null {
  const target = normalizeForMatch(needle);
  if (target === '') return null;
  const source = normalizeWithMap(haystack);
  let from = 0;
  for (;;) {
    const at = source.text.indexOf(target, from);
    if (at < 0) return null;
    const last = at + target.length - 1;
    if (source.firstOfCluster[at] && source.lastOfCluster[last]) {
      const start = source.sourceStart[at];
      const end = source.sourceEnd[last];
      if (start !== undefined && end !== undefined) return { start, end };
    }
    from = at + 1;
  }
}

function normalizeWithMap(original: string): NormalizedText {
  const out: NormalizedText = { text: '', sourceStart: [], sourceEnd: [], firstOfCluster: [], lastOfCluster: [] };
  const parts: string[] = [];
  let pendingSpace: { start: number; end: number } | null = null;

  const emit = (chars: string, start: number, end: number): void => {
    for (let i = 0; i < chars.length; i++) {
      parts.push(chars.charAt(i));
      out.sourceStart.push(start);
      out.sourceEnd.push(end);
      out.firstOfCluster.push(i === 0);
      out.lastOfCluster.push(i === chars.length - 1);
    }
  };

  for (const match of original.matchAll(CLUSTER)) {
    const segment = match[0];
    const start = match.index;
    const end = start + segment.length;
    let replaced = '';
    for (const char of segment.normalize('NFC')) {
      if (DROPPED.has(char)) continue;
      replaced += WHITESPACE.test(char) ? ' ' : (REPLACEMENTS.get(char) ?? char);
    }
    if (replaced === '') continue;
    if (replaced.trim() === '') {
      // Collapse a whitespace run to one space, emitted only once a later character follows it.
      pendingSpace ??= { start, end };
      continue;
    }
    if (pendingSpace && parts.length > 0) emit(' ', pendingSpace.start, pendingSpace.end);
    pendingSpace = null;
    emit(replaced, start, end);
  }
  out.text = parts.join('');
  return out;
}
