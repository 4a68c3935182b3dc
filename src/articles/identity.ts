import { createHash } from 'node:crypto';
import path from 'node:path';

export const MAX_SLUG_LENGTH = 120;
const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function isValidId(id: string): boolean {
  return VALID_ID.test(id);
}

/**
 * Lowercase a-z, 0-9 and single hyphens, at most 120 characters. Accents are folded
 * ("Café" → "cafe"). A slug that had to be cut keeps a short hash of the whole text so
 * two long names sharing a prefix still differ; text with no usable letters gets a
 * hash-based slug rather than an empty one.
 */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug === '') return `article-${shortHash(text)}`;
  if (slug.length <= MAX_SLUG_LENGTH) return slug;
  const suffix = `-${shortHash(slug)}`;
  return slug.slice(0, MAX_SLUG_LENGTH - suffix.length).replace(/-+$/, '') + suffix;
}

/** "2024/Harbor Vote.md" → "harbor-vote". */
export function idFromFileName(name: string): string {
  const base = path.basename(name);
  const extension = path.extname(base);
  return slugify(extension === base ? base : base.slice(0, base.length - extension.length));
}

/** "https://www.example.org/news/harbor-vote/?ref=x" → "www-example-org-news-harbor-vote". */
export function idFromUrl(url: URL): string {
  return slugify(`${url.hostname}${url.pathname}`);
}

export interface HashedFields {
  title: string;
  body: string;
  url?: string;
  published?: string;
  updated?: string;
  byline?: string;
  section?: string;
  tags: readonly string[];
}

/**
 * sha256 hex over a canonical JSON of the fields retrieval depends on (id and source excluded).
 * `updated` counts only when present, so articles without it keep the hashes they were stored
 * under before the field existed (and are not re-ingested as changed).
 */
export function contentHash(fields: HashedFields): string {
  const canonical = JSON.stringify({
    body: fields.body,
    byline: fields.byline ?? null,
    published: fields.published ?? null,
    section: fields.section ?? null,
    tags: fields.tags,
    title: fields.title,
    ...(fields.updated !== undefined ? { updated: fields.updated } : {}),
    url: fields.url ?? null,
  });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 8);
}
