/*
 * Text normalisation. Chunk offsets and citation checks index into the stored body, so
 * the same article must always normalise to the same string, whatever its line endings,
 * Unicode composition or stray whitespace.
 */

const UNICODE_SPACES = /[\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;
// eslint-disable-next-line no-control-regex -- vertical tab and form feed are line breaks here
const LINE_BREAKS = /\r\n?|[\u000B\u000C\u0085\u2028\u2029]/g;
// C0/C1 control characters other than the line feed, plus a byte-order mark anywhere.
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROLS = /[\u0000-\u0009\u000B-\u001F\u007F-\u0084\u0086-\u009F\uFEFF]/g;

/**
 * NFC, LF line endings, tabs and other spaces as a plain space, runs of spaces collapsed,
 * lines trimmed, paragraphs separated by exactly one blank line, no blank lines at either end.
 */
export function normalizeBody(text: string): string {
  const lines = text
    .normalize('NFC')
    .replace(LINE_BREAKS, '\n')
    .replace(UNICODE_SPACES, ' ')
    .replace(CONTROLS, '')
    .split('\n')
    .map((line) => line.replace(/ {2,}/g, ' ').trim());

  const paragraphs: string[] = [];
  let current: string[] = [];
  for (const line of lines) {
    if (line === '') {
      if (current.length > 0) paragraphs.push(current.join('\n'));
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) paragraphs.push(current.join('\n'));
  return paragraphs.join('\n\n');
}

/** One trimmed line: every run of whitespace, line breaks included, becomes one space. */
export function normalizeLine(text: string): string {
  return text.normalize('NFC').replace(CONTROLS, ' ').replace(/\s+/g, ' ').trim();
}

/** Trimmed, non-empty, without duplicates (compared case-insensitively), in their first order. */
export function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const raw of tags) {
    const tag = normalizeLine(raw);
    const key = tag.toLowerCase();
    if (tag === '' || seen.has(key)) continue;
    seen.add(key);
    result.push(tag);
  }
  return result;
}

/** Paragraphs (already plain text) joined into a normalised body. */
export function joinParagraphs(paragraphs: readonly string[]): string {
  return normalizeBody(paragraphs.join('\n\n'));
}
