import type { Article, LoadResult } from './article.ts';
import { credentialProblem } from './credential-check.ts';
import { contentHash, isValidId } from './identity.ts';
import { loadMessages as messages } from '../messages/articles.ts';
import { normalizeBody, normalizeLine, normalizeTags } from './normalize.ts';
import { normalizePublished } from './published.ts';

/** What a format parser found, before normalisation and checks. The body is plain text. */
export interface ArticleFields {
  id?: string;
  title?: string;
  body: string;
  url?: string;
  published?: string | number;
  updated?: string | number;
  byline?: string;
  section?: string;
  tags?: readonly string[];
}

/** Where the fields came from: for messages (`where`), for Article.source, and the id to use when none is given. */
export interface ArticleOrigin {
  where: string;
  source: string;
  fallbackId: string;
  titleHint: string;
  /** An editor said text that looks like a credential belongs in the story (`ingest --allow-secrets`); refused otherwise. */
  allowCredentials?: boolean;
  /** The text of the file the fields were read from, so a refusal names the file's line. */
  rawText?: string;
}

export function failure(source: string, error: string): LoadResult {
  return { ok: false, source, error };
}

/** Normalises the fields, checks them, and returns the article or the first problem found. */
export function buildArticle(fields: ArticleFields, origin: ArticleOrigin): LoadResult {
  const { where, source } = origin;

  const id = fields.id === undefined ? origin.fallbackId : fields.id.trim();
  if (!isValidId(id)) return failure(source, messages.invalidId(where, id));

  const title = normalizeLine(fields.title ?? '');
  if (title === '') return failure(source, messages.noTitle(where, origin.titleHint));

  const body = normalizeBody(fields.body);
  if (body === '') return failure(source, messages.emptyBody(where));

  const article: Article = { id, title, body, tags: normalizeTags(fields.tags ?? []), source, contentHash: '' };

  const url = optionalLine(fields.url);
  if (url !== undefined) {
    const parsed = parseHttpUrl(url);
    if (!parsed) return failure(source, messages.invalidUrl(where, url));
    article.url = parsed.href;
  }

  if (fields.published !== undefined && optionalLine(String(fields.published)) !== undefined) {
    const published = normalizePublished(fields.published);
    if (!published.ok) return failure(source, messages.invalidPublished(where, String(fields.published)));
    article.published = published.value;
  }

  if (fields.updated !== undefined && optionalLine(String(fields.updated)) !== undefined) {
    const updated = normalizePublished(fields.updated);
    if (!updated.ok) return failure(source, messages.invalidUpdated(where, String(fields.updated)));
    article.updated = updated.value;
  }

  const byline = optionalLine(fields.byline);
  if (byline !== undefined) article.byline = byline;
  const section = optionalLine(fields.section);
  if (section !== undefined) article.section = section;

  if (!origin.allowCredentials) {
    const problem = credentialProblem(article, where, origin.rawText);
    if (problem) return failure(source, problem);
  }

  article.contentHash = contentHash(article);
  return { ok: true, article };
}

/** An absolute http(s) URL, or undefined. */
export function parseHttpUrl(text: string, base?: string): URL | undefined {
  try {
    const url = new URL(text, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function optionalLine(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const line = normalizeLine(value);
  return line === '' ? undefined : line;
}
