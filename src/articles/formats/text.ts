import type { ArticleFields } from '../validate.ts';

/** Plain text: the first non-empty line is the title, everything after it the body. */
export function parseTextArticle(text: string): ArticleFields {
  const lines = text.split(/\r\n?|\n/);
  const titleIndex = lines.findIndex((line) => line.trim() !== '');
  if (titleIndex < 0) return { body: '' };
  return { title: lines[titleIndex] ?? '', body: lines.slice(titleIndex + 1).join('\n') };
}
