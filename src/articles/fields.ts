import type { Result } from '../result.ts';
import { loadMessages as messages } from '../messages/articles.ts';
import type { ArticleFields } from './validate.ts';

/*
 * Reads article fields from a record: a JSON/JSONL object from a CMS export, or
 * Markdown front matter. Accepts the usual aliases (published_at, author, content) and
 * forgiving shapes (a number as id, tags as "a, b", an author object with a name).
 */

export type Metadata = Omit<ArticleFields, 'body'>;

type FieldRecord = { readonly [key: string]: unknown };

export function isRecord(value: unknown): value is FieldRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readMetadata(record: FieldRecord, where: string): Result<Metadata> {
  const metadata: Metadata = {};
  const problems: string[] = [];
  const text = (names: readonly string[]): string | undefined => {
    const found = firstPresent(record, names);
    if (!found) return undefined;
    const value = asText(found.value);
    if (value === undefined) problems.push(messages.fieldNotText(where, found.name));
    return value;
  };

  const id = text(['id']);
  if (id !== undefined) metadata.id = id;
  const title = text(['title', 'headline']);
  if (title !== undefined) metadata.title = title;
  const url = text(['url', 'link']);
  if (url !== undefined) metadata.url = url;
  const byline = bylineOf(record, where, problems);
  if (byline !== undefined) metadata.byline = byline;
  const section = text(['section', 'category']);
  if (section !== undefined) metadata.section = section;

  const date = (names: readonly string[]): string | number | undefined => {
    const found = firstPresent(record, names);
    if (!found) return undefined;
    if (typeof found.value === 'string' || typeof found.value === 'number') return found.value;
    if (found.value instanceof Date && !Number.isNaN(found.value.getTime())) return found.value.toISOString();
    problems.push(messages.fieldNotText(where, found.name));
    return undefined;
  };
  const published = date(['published_at', 'published', 'date']);
  if (published !== undefined) metadata.published = published;
  const updated = date(['updated', 'updated_at', 'modified', 'modified_at', 'dateModified']);
  if (updated !== undefined) metadata.updated = updated;

  const tags = firstPresent(record, ['tags', 'keywords']);
  if (tags) {
    const list = asTagList(tags.value);
    if (list === undefined) problems.push(messages.fieldNotTags(where, tags.name));
    else metadata.tags = list;
  }

  const [problem] = problems;
  return problem === undefined ? { ok: true, value: metadata } : { ok: false, error: problem };
}

/** The body text of a CMS record (`body`, else `content`), or undefined when it has none. */
export function readBody(record: FieldRecord, where: string): Result<string | undefined> {
  const found = firstPresent(record, ['body', 'content']);
  if (!found) return { ok: true, value: undefined };
  const value = asText(found.value);
  return value === undefined ? { ok: false, error: messages.fieldNotText(where, found.name) } : { ok: true, value };
}

function bylineOf(record: FieldRecord, where: string, problems: string[]): string | undefined {
  const found = firstPresent(record, ['byline', 'author', 'authors']);
  if (!found) return undefined;
  const names = (Array.isArray(found.value) ? found.value : [found.value]).map(personName);
  if (names.some((name) => name === undefined)) {
    problems.push(messages.fieldNotText(where, found.name));
    return undefined;
  }
  return names.join(', ');
}

function personName(value: unknown): string | undefined {
  if (isRecord(value)) return asText(value['name']);
  return asText(value);
}

function firstPresent(record: FieldRecord, names: readonly string[]): { name: string; value: unknown } | undefined {
  for (const name of names) {
    const value = record[name];
    if (value !== undefined && value !== null) return { name, value };
  }
  return undefined;
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function asTagList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.split(',');
  if (!Array.isArray(value)) return undefined;
  const tags = value.map(asText);
  return tags.every((tag) => tag !== undefined) ? tags : undefined;
}
