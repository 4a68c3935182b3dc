import { isRecord, readBody, readMetadata } from '../fields.ts';
import { containsHtmlTags, htmlFragmentToText } from '../html-text.ts';
import { NestingTooDeepError } from '../nesting.ts';
import { lineOf, loadMessages as messages, recordOf } from '../../messages/articles.ts';
import type { ArticleFields } from '../validate.ts';

/** One record of a JSON or JSONL file: its fields, or why it cannot be read. */
export type JsonRecord =
  | {
      ok: true;
      where: string;
      source: string;
      fields: ArticleFields;
      /** Record or line number; absent for a single-object file. */ n?: number;
    }
  | { ok: false; where: string; source: string; error: string };

/**
 * A JSON file: one article object, an array of them, or `{ "articles": [...] }`.
 * Records of an array are numbered from 1 and their source is `<file>#<n>`.
 */
export function parseJsonRecords(text: string, where: string, source: string): JsonRecord[] | { error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { error: messages.invalidJson(where, describeJsonError(error, text, 'file')) };
  }

  if (isRecord(data) && !Array.isArray(data['articles'])) {
    return [recordFields(data, where, source)];
  }
  const list: unknown = isRecord(data) ? data['articles'] : data;
  if (!Array.isArray(list)) return { error: messages.jsonShape(where) };
  if (list.length === 0) return { error: messages.noRecords(where) };
  return list.map((item: unknown, index) => recordFields(item, recordOf(where, index + 1), `${source}#${index + 1}`, index + 1));
}

/**
 * A JSONL file: one article object per line; a bad line fails alone, named by its line number.
 * `firstLine` numbers a part of a file read on its own (a streamed record) as the whole file would.
 */
export function parseJsonLinesRecords(text: string, where: string, source: string, firstLine = 1): JsonRecord[] | { error: string } {
  const records: JsonRecord[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const n = index + firstLine;
    const lineWhere = lineOf(where, n);
    const lineSource = `${source}#${n}`;
    try {
      records.push(recordFields(JSON.parse(line) as unknown, lineWhere, lineSource, n));
    } catch (error) {
      records.push({
        ok: false,
        where: lineWhere,
        source: lineSource,
        error: messages.invalidJson(lineWhere, describeJsonError(error, line, 'line')),
      });
    }
  });
  return records.length > 0 ? records : { error: messages.noRecords(where) };
}

function recordFields(item: unknown, where: string, source: string, n?: number): JsonRecord {
  if (!isRecord(item)) return { ok: false, where, source, error: messages.recordNotObject(where) };
  const metadata = readMetadata(item, where);
  if (!metadata.ok) return { ok: false, where, source, error: metadata.error };
  const body = readBody(item, where);
  if (!body.ok) return { ok: false, where, source, error: body.error };
  const text = body.value ?? '';
  let plain = text;
  if (containsHtmlTags(text)) {
    try {
      plain = htmlFragmentToText(text);
    } catch (error) {
      if (error instanceof NestingTooDeepError) return { ok: false, where, source, error: messages.nestedTooDeep(where, error.limit) };
      throw error;
    }
  }
  const fields = { ...metadata.value, body: plain };
  return n === undefined ? { ok: true, where, source, fields } : { ok: true, where, source, fields, n };
}

/** "Expected ',' … at position 41" → "Expected ',' … (line 3, column 7)", or just the column within one line. */
function describeJsonError(error: unknown, text: string, scope: 'file' | 'line'): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(message);
  if (!position?.[1]) return message;
  const offset = Number(position[1]);
  const before = text.slice(0, offset);
  const column = offset - before.lastIndexOf('\n');
  const place = scope === 'line' ? `column ${column}` : `line ${before.split('\n').length}, column ${column}`;
  return `${message.replace(/\s*in JSON at position \d+.*$/, '')} (${place})`;
}
