import { isHighSurrogate } from './surrogates.ts';

/** A half-open range of a text: `text.slice(start, end)`. */
export type Span = { start: number; end: number };

/** A paragraph and the sentences inside it, all as offsets into the same text. */
export type ParagraphSentences = { paragraph: Span; sentences: Span[] };

// A line break followed by one or more blank (whitespace-only) lines, or a Unicode paragraph separator.
// `\r(?!\n)` keeps a Windows "\r\n" from counting as two line breaks.
const PARAGRAPH_BREAK = /(?:\r\n|\r(?!\n)|\n|\u2028)(?:[^\S\r\n\u2028\u2029]*(?:\r\n|\r(?!\n)|\n|\u2028))+|\u2029/g;

// Abbreviations that are almost always followed by more of the same sentence (a name, a date).
const ALWAYS_JOINED = new Set([
  'Mr.',
  'Mrs.',
  'Ms.',
  'Dr.',
  'Gov.',
  'Sen.',
  'Rep.',
  'Lt.',
  'Sgt.',
  'Capt.',
  'Col.',
  'Gen.',
  'Prof.',
  'Adm.',
  'Maj.',
  'Cpl.',
  'Pvt.',
  'Det.',
  'Rev.',
  'Hon.',
  'Mt.',
  'Ft.',
  'vs.',
  'Jan.',
  'Feb.',
  'Aug.',
  'Sept.',
  'Oct.',
  'Nov.',
  'Dec.',
]);

// Abbreviations that also often end a sentence ("He arrived at 9 a.m. The talks began."): joined
// unless the next word is one that typically opens a sentence.
const USUALLY_JOINED = new Set([
  'St.',
  'Ave.',
  'Blvd.',
  'Rd.',
  'Inc.',
  'Co.',
  'Corp.',
  'Ltd.',
  'Jr.',
  'Sr.',
  'No.',
  'etc.',
  'a.m.',
  'p.m.',
  'U.S.',
  'U.K.',
  'e.g.',
  'i.e.',
]);

/** Capitalised words that open sentences (and quotes) without being names. */
export const CAPITALISED_OPENERS: readonly string[] = [
  'A',
  'An',
  'The',
  'This',
  'That',
  'These',
  'Those',
  'It',
  'Its',
  'He',
  'She',
  'They',
  'We',
  'I',
  'You',
  'His',
  'Her',
  'Their',
  'Our',
  'My',
  'But',
  'And',
  'Or',
  'So',
  'Yet',
  'Then',
  'There',
  'Here',
  'In',
  'On',
  'At',
  'As',
  'After',
  'Before',
  'When',
  'While',
  'If',
  'Although',
  'Though',
  'Because',
  'Since',
  'However',
  'Meanwhile',
  'Still',
  'Also',
  'Now',
  'Today',
  'Yesterday',
];

// After an abbreviation, a word of these (honorifics too) starts the next sentence.
const SENTENCE_OPENERS = new Set([...CAPITALISED_OPENERS, 'Mr', 'Mrs', 'Ms', 'Dr']);

// Initialisms such as "D.C." or "U.N.", and single initials such as the "J." in "J. Smith".
const INITIALISM = /^(?:\p{L}\.){2,}$/u;
const SINGLE_INITIAL = /^\p{Lu}\.$/u;
const LAST_TOKEN = /[^\s([{"'“‘«]+$/u;
const FIRST_WORD = /^[\p{P}\p{S}]*([\p{L}\p{N}]+)/u;
// A line that clearly continues on the next one (hard-wrapped text).
const UNFINISHED_LINE_END = /[,;\-–—([{]$/u;
const WHITESPACE = /\s/u;
const MAX_BLOCK_CHARS = 4000;
const SAFE_CUT = /(?:\r\n|[\n\r\u2028]|[.!?。！？।؟…]['"”’»)\]]*\s+)/gu;
const TRAILING_OPENING = /\p{Ps}+$/u;

const segmenters = new Map<string, Intl.Segmenter>();

function sentenceSegmenter(locale: string): Intl.Segmenter {
  let segmenter = segmenters.get(locale);
  if (!segmenter) {
    segmenter = new Intl.Segmenter(locale, { granularity: 'sentence' });
    segmenters.set(locale, segmenter);
  }
  return segmenter;
}

/** Narrows `[start, end)` so it neither begins nor ends with whitespace; null when nothing is left. */
export function trimSpan(text: string, start: number, end: number): Span | null {
  let from = start;
  let to = end;
  while (from < to && WHITESPACE.test(text.charAt(from))) from++;
  while (to > from && WHITESPACE.test(text.charAt(to - 1))) to--;
  return from < to ? { start: from, end: to } : null;
}

/** Paragraphs are separated by a blank line (or U+2029); each span is trimmed of whitespace. */
export function splitParagraphs(text: string): Span[] {
  const paragraphs: Span[] = [];
  let from = 0;
  for (const match of text.matchAll(PARAGRAPH_BREAK)) {
    const span = trimSpan(text, from, match.index);
    if (span) paragraphs.push(span);
    from = match.index + match[0].length;
  }
  const last = trimSpan(text, from, text.length);
  if (last) paragraphs.push(last);
  return paragraphs;
}

/** Sentences grouped by paragraph; a sentence never crosses a paragraph break. */
export function splitParagraphSentences(text: string, locale = 'en'): ParagraphSentences[] {
  const segmenter = sentenceSegmenter(locale);
  return splitParagraphs(text).map((paragraph) => {
    const raw: Span[] = [];
    for (const block of segmentBlocks(text, paragraph)) {
      for (const { segment, index } of segmenter.segment(text.slice(block.start, block.end))) {
        const start = block.start + index;
        const span = trimSpan(text, start, start + segment.length);
        if (span) raw.push(span);
      }
    }
    return { paragraph, sentences: joinFalseBreaks(text, moveOpeningPunctuation(text, raw)) };
  });
}

/**
 * Cuts a long paragraph into blocks for Intl.Segmenter, whose cost grows much faster than the input
 * length. A block ends where the segmenter would break anyway: after a line break or after
 * sentence-final punctuation and a space (false breaks there are joined again like any other).
 */
function segmentBlocks(text: string, paragraph: Span): Span[] {
  const blocks: Span[] = [];
  let start = paragraph.start;
  while (paragraph.end - start > MAX_BLOCK_CHARS) {
    const window = text.slice(start, start + MAX_BLOCK_CHARS);
    const cut = lastMatchEnd(window, SAFE_CUT) ?? lastMatchEnd(window, /\s+/gu) ?? codePointCut(window);
    blocks.push({ start, end: start + cut });
    start += cut;
  }
  blocks.push({ start, end: paragraph.end });
  return blocks;
}

/** End of the last match of a global regex in `text` that leaves something before it, if any. */
function lastMatchEnd(text: string, pattern: RegExp): number | undefined {
  let end: number | undefined;
  for (const match of text.matchAll(pattern)) {
    if (match.index > 0) end = match.index + match[0].length;
  }
  return end;
}

/** Length of `text` minus a trailing high surrogate, so a cut never splits a pair. */
function codePointCut(text: string): number {
  return isHighSurrogate(text.charCodeAt(text.length - 1)) ? text.length - 1 : text.length;
}

/**
 * Sentence spans of `text`, trimmed of surrounding whitespace, in order. Uses the locale's
 * Intl.Segmenter rules, then undoes false breaks after abbreviations, initials and in hard-wrapped lines.
 */
export function splitSentences(text: string, locale = 'en'): Span[] {
  return splitParagraphSentences(text, locale).flatMap((p) => p.sentences);
}

/**
 * ICU leaves an opening bracket that directly follows a full stop on the sentence before
 * ("…始まった。「安全…"); it opens the next sentence, so it moves there.
 */
function moveOpeningPunctuation(text: string, spans: Span[]): Span[] {
  const moved: Span[] = [];
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i];
    const next = spans[i + 1];
    if (!span) continue;
    const opening = next ? TRAILING_OPENING.exec(text.slice(span.start, span.end))?.[0] : undefined;
    if (next && opening) {
      spans[i + 1] = { start: span.end - opening.length, end: next.end };
      const rest = trimSpan(text, span.start, span.end - opening.length);
      if (rest) moved.push(rest);
    } else {
      moved.push(span);
    }
  }
  return moved;
}

function joinFalseBreaks(text: string, spans: Span[]): Span[] {
  const joined: Span[] = [];
  let current = spans[0];
  if (!current) return joined;
  for (const next of spans.slice(1)) {
    if (isFalseBreak(text, current, next)) {
      current = { start: current.start, end: next.end };
    } else {
      joined.push(current);
      current = next;
    }
  }
  joined.push(current);
  return joined;
}

function isFalseBreak(text: string, before: Span, after: Span): boolean {
  const tail = text.slice(Math.max(before.start, before.end - 40), before.end);
  const head = text.slice(after.start, Math.min(after.end, after.start + 40));

  // News sentences do not start in lower case: '“Why?” he asked.' or a hard-wrapped line.
  if (/^\p{Ll}/u.test(head)) return true;
  if (UNFINISHED_LINE_END.test(tail)) return true;
  // Japanese quotation followed by its particle: 「…。」と彼は言った。
  if (/[」』]$/u.test(tail) && /^(?:と|って)/u.test(head)) return true;

  const lastToken = LAST_TOKEN.exec(tail)?.[0] ?? '';
  if (ALWAYS_JOINED.has(lastToken)) return true;
  if (USUALLY_JOINED.has(lastToken) || INITIALISM.test(lastToken) || SINGLE_INITIAL.test(lastToken)) {
    const firstWord = FIRST_WORD.exec(head)?.[1] ?? '';
    return !SENTENCE_OPENERS.has(firstWord);
  }
  return false;
}
