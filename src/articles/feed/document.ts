import type * as FastXmlParser from 'fast-xml-parser';
import type * as Feedsmith from 'feedsmith';
import type { AnyFeed } from 'feedsmith';
import { charsetOf, decodeText } from '../decode.ts';
import { normalizePublished } from '../published.ts';
import { feedMessages as messages } from '../../messages/feeds.ts';
import { formatFields, type Fields } from './formats.ts';
import { absoluteUrl, blank, line, stripTags } from './text.ts';
import type { FeedDocument, FeedEntry, FeedParseOptions, FeedParseResult } from './types.ts';

/*
 * A feed's bytes → its title and newest entries. Runs in a parse worker (see ParsePool.parseFeed):
 * a feed is untrusted input and a large one takes seconds of CPU. feedsmith reads RSS 0.9x/2.0,
 * RDF, Atom and JSON Feed and keeps each format's own fields, which formats.ts maps onto one
 * shape and this module cleans into FeedEntry.
 */

/** Plain-text length from which an entry's HTML is taken for the whole story rather than a teaser. */
export const FULL_TEXT_MIN_CHARS = 600;
/** How a teaser cut short ends: "…", "[...]", "Read more", "Continue reading". */
const TRUNCATED = /(?:…|\.\.\.|\[…\]|\[\.\.\.\]|\bread (?:the )?(?:full|more)\b[^.]*|\bcontinue reading\b[^.]*)\s*\W*\s*$/i;

let libraries: Promise<[typeof Feedsmith, typeof FastXmlParser]> | undefined;

/** feedsmith loads on first use, so a parse worker that never reads a feed never pays for it. */
function loadLibraries(): Promise<[typeof Feedsmith, typeof FastXmlParser]> {
  return (libraries ??= Promise.all([import('feedsmith'), import('fast-xml-parser')]));
}

/**
 * Reads a feed. `where` names it in messages (its address). Never rejects for bad input: an HTML
 * page, malformed XML, JSON that is not a JSON Feed, an empty or binary body each give
 * `{ ok: false }` with a message saying what the address holds instead.
 */
export async function parseFeedDocument(where: string, data: Uint8Array, options: FeedParseOptions): Promise<FeedParseResult> {
  const decoded = decodeText(data, where, charsetOf(options.contentType) ?? xmlDeclaredCharset(data));
  if (!decoded.ok) return { ok: false, error: decoded.error };
  const text = decoded.value.replace(/^\uFEFF/, '');

  const start = text.trimStart().slice(0, 512).toLowerCase();
  if (!start.startsWith('{') && !start.startsWith('<')) return { ok: false, error: messages.notAFeed(where) };
  if (looksLikeHtml(start)) return { ok: false, error: messages.htmlPage(where, discoverFeedLink(text, options.baseUrl)) };

  const [feedsmith, fxp] = await loadLibraries();
  let parsed: AnyFeed;
  try {
    parsed = feedsmith.parseFeed(start.startsWith('{') ? parseJson(text) : text);
  } catch (error) {
    return { ok: false, error: explainFailure(where, text, start, error, fxp) };
  }
  return { ok: true, value: toDocument(parsed, options) };
}

class JsonSyntaxError extends Error {}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new JsonSyntaxError(error instanceof Error ? error.message : String(error));
  }
}

function explainFailure(where: string, text: string, start: string, error: unknown, fxp: typeof FastXmlParser): string {
  if (error instanceof JsonSyntaxError) return messages.invalidJson(where, error.message);
  if (start.startsWith('{')) return messages.notAJsonFeed(where);
  const validation = fxp.XMLValidator.validate(text);
  if (validation !== true) return messages.malformedXml(where, validation.err.line, validation.err.msg);
  return messages.notAFeed(where);
}

/** `<?xml version="1.0" encoding="ISO-8859-1"?>` → "iso-8859-1". */
function xmlDeclaredCharset(data: Uint8Array): string | undefined {
  const head = Buffer.from(data.subarray(0, 200)).toString('latin1');
  return /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1]?.toLowerCase();
}

function looksLikeHtml(start: string): boolean {
  const body = start.replace(/^<\?xml[^>]*>\s*/, '').replace(/^(?:<!--[\s\S]*?-->\s*)+/, '');
  return /^<!doctype html|^<html[\s>]|^<head[\s>]|^<body[\s>]/.test(body);
}

/** A page's `<link rel="alternate" type="application/rss+xml" href="…">`, resolved: the feed it names. */
function discoverFeedLink(html: string, baseUrl: string | undefined): string | undefined {
  for (const [tag] of html.slice(0, 256 * 1024).matchAll(/<link\b[^>]*>/gi)) {
    const attribute = (name: string) => new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
    const value = (name: string) => {
      const match = attribute(name);
      return match ? (match[1] ?? match[2] ?? match[3] ?? '').trim() : undefined;
    };
    if (!/\balternate\b/i.test(value('rel') ?? '')) continue;
    if (!/^application\/(?:rss\+xml|atom\+xml|feed\+json|rdf\+xml)$/i.test(value('type') ?? '')) continue;
    const href = value('href');
    const resolved = href ? absoluteUrl(href, baseUrl) : undefined;
    if (resolved) return resolved;
  }
  return undefined;
}

// ---------------------------------------------------------------- one shape for every format

function toDocument(parsed: AnyFeed, options: FeedParseOptions): FeedDocument {
  const base = options.baseUrl;
  const { title, link, entries: fields } = formatFields(parsed);
  const entries = fields.map((f, position) => toEntry(f, position, base));
  const document: FeedDocument = { format: parsed.format, entries: newest(entries, options.maxEntries), total: entries.length };
  const cleanTitle = line(title);
  if (cleanTitle !== undefined) document.title = cleanTitle;
  const siteLink = link === undefined ? undefined : absoluteUrl(link, base);
  if (siteLink !== undefined) document.link = siteLink;
  return document;
}

function toEntry(fields: Fields, position: number, base: string | undefined): FeedEntry {
  const entry: FeedEntry = {
    position,
    categories: (fields.categories ?? []).map((c) => line(c)).filter((c): c is string => c !== undefined),
    fullText: false,
  };
  const guid = line(fields.guid);
  if (guid !== undefined) entry.guid = guid;
  const given = line(fields.link);
  const link = given === undefined ? undefined : absoluteUrl(given, base);
  if (link !== undefined) entry.link = link;
  else if (given !== undefined) entry.unusableLink = given;
  const title = line(fields.title === undefined ? undefined : stripTags(fields.title));
  if (title !== undefined) entry.title = title;
  const author = line(fields.author);
  if (author !== undefined) entry.author = author;
  const published = line(fields.published);
  if (published !== undefined) entry.published = published;
  const updated = line(fields.updated);
  if (updated !== undefined) entry.updated = updated;
  const content = blank(fields.contentHtml) ? undefined : fields.contentHtml;
  const summary = blank(fields.summaryHtml) ? undefined : fields.summaryHtml;
  if (content !== undefined) entry.contentHtml = content;
  if (summary !== undefined) entry.summaryHtml = summary;
  // Many RSS feeds put the whole story in <description>: judged the same way as content.
  entry.fullText = isFullText(content ?? summary);
  return entry;
}

/** Whether HTML holds a whole story: long enough, and not a teaser cut off with "…" or "Read more". */
export function isFullText(html: string | undefined): boolean {
  if (html === undefined) return false;
  const text = stripTags(html).replace(/\s+/g, ' ').trim();
  return text.length >= FULL_TEXT_MIN_CHARS && !TRUNCATED.test(text.slice(-80));
}

/** The newest `max` entries by date, undated ones after the dated in feed order. */
function newest(entries: FeedEntry[], max: number): FeedEntry[] {
  if (entries.length <= max) return entries;
  const time = (entry: FeedEntry): number => {
    const value = entry.published ?? entry.updated;
    const normalized = value === undefined ? undefined : normalizePublished(value);
    return normalized?.ok ? Date.parse(normalized.value) : Number.NEGATIVE_INFINITY;
  };
  return entries
    .map((entry) => ({ entry, time: time(entry) }))
    .sort((a, b) => b.time - a.time || a.entry.position - b.entry.position)
    .slice(0, max)
    .map(({ entry }) => entry);
}
