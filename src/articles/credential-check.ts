import { loadMessages as messages } from '../messages/articles.ts';
import { findCredentials } from '../text/credentials.ts';
import type { Article } from './article.ts';

/**
 * Why `article` must not be stored as it is: it holds text that looks like a credential (a token, a
 * key, a password setting: text/credentials.ts), named by kind and line, never echoed. `rawText` is
 * the file it was read from, so the line is the file's; `where` may name a line already (a JSONL
 * record). Null when nothing looks like one.
 */
export function credentialProblem(article: Article, where: string, rawText?: string): string | null {
  // Title first, then the body: a line of the article as a plain-text file would number it.
  const fields = [article.title, article.body, article.byline ?? '', article.section ?? '', article.url ?? '', article.tags.join(' ')].join(
    '\n',
  );
  const [first] = findCredentials(fields);
  if (!first) return null;
  if (/\bline \d+$/.test(where)) return messages.credentialRefused(where, first.kind, null);
  const secret = fields.slice(first.at, first.at + first.length);
  const inFile = rawText === undefined ? -1 : rawText.indexOf(secret);
  const line = inFile >= 0 && rawText !== undefined ? rawText.slice(0, inFile).split('\n').length : first.line;
  return messages.credentialRefused(where, first.kind, line);
}
