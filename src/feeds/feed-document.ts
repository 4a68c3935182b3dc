import type * as FastXmlParser from 'fast-xml-parser';
import type * as Feedsmith from 'feedsmith';
import type { AnyFeed } from 'feedsmith';
import { charsetOf, decodeText } from '../articles/decode.ts';
import { normalizePublished } from '../articles/published.ts';
import { feedMessages as messages } from '../messages.ts';
import type { FeedDocument, FeedEntry, FeedParseOptions, FeedParseResult } from './types.ts';

/*
 * A feed's bytes → its title and newest entries. Runs in a parse worker (see ParsePool.parseFeed):
 * a feed is untrusted input and a large one takes seconds of CPU. feedsmith reads RSS 0.9x/2.0,
 * RDF, Atom and JSON Feed and keeps each format's own fields (content:encoded, dc:creator, Atom's
 * published beside updated), which this module maps onto one FeedEntry shape.
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
  const text = decoded.text.replace(/^\uFEFF/, '');

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
  return { ok: true, feed: toDocument(parsed, options) };
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

/** What one format's entry offers, before cleaning (any field may be missing). */
interface Fields {
  guid: string | undefined;
  link: string | undefined;
  title: string | undefined;
  author: string | undefined;
  published: string | undefined;
  updated: string | undefined;
  contentHtml: string | undefined;
  summaryHtml: string | undefined;
  categories: (string | undefined)[] | undefined;
}

function toDocument(parsed: AnyFeed, options: FeedParseOptions): FeedDocument {
  const base = options.baseUrl;
  let title: string | undefined;
  let link: string | undefined;
  let fields: Fields[];
  switch (parsed.format) {
    case 'rss': {
      const feed = parsed.feed;
      title = feed.title;
      link = feed.link;
      fields = (feed.items ?? []).map((item) => {
        const guid = item.guid?.value;
        const guidIsLink = item.guid?.isPermaLink !== false && guid !== undefined && absoluteUrl(guid) !== undefined;
        return {
          guid,
          link: item.link ?? (guidIsLink ? guid : undefined),
          title: item.title,
          author: personName(item.authors?.[0]) ?? item.dc?.creators?.[0],
          published: item.pubDate ?? item.dc?.dates?.[0] ?? item.dcterms?.issued?.[0] ?? item.dcterms?.created?.[0],
          updated: item.dcterms?.modified?.[0] ?? item.atom?.updated,
          contentHtml: item.content?.encoded,
          summaryHtml: item.description,
          categories: item.categories?.map((c) => c.name),
        };
      });
      break;
    }
    case 'rdf': {
      const feed = parsed.feed;
      title = feed.title;
      link = feed.link;
      fields = (feed.items ?? []).map((item) => ({
        guid: item.rdf?.about,
        link: item.link,
        title: item.title,
        author: item.dc?.creators?.[0],
        published: item.dc?.dates?.[0] ?? item.dcterms?.issued?.[0],
        updated: item.dcterms?.modified?.[0],
        contentHtml: item.content?.encoded,
        summaryHtml: item.description,
        categories: item.dc?.subjects,
      }));
      break;
    }
    case 'atom': {
      const feed = parsed.feed;
      title = textOf(feed.title);
      link = alternateLink(feed.links);
      const feedAuthor = personName(feed.authors?.[0]);
      fields = (feed.entries ?? []).map((entry) => ({
        guid: entry.id,
        link: alternateLink(entry.links),
        title: textOf(entry.title),
        author: personName(entry.authors?.[0]) ?? entry.dc?.creators?.[0] ?? feedAuthor,
        published: entry.published ?? entry.dc?.dates?.[0],
        updated: entry.updated,
        contentHtml: entry.content?.src === undefined ? htmlOf(entry.content) : undefined,
        summaryHtml: htmlOf(entry.summary),
        categories: entry.categories?.map((c) => c.label ?? c.term).filter((c): c is string => typeof c === 'string'),
      }));
      break;
    }
    case 'json': {
      const feed = parsed.feed;
      title = feed.title;
      link = feed.home_page_url;
      const feedAuthor = feed.authors?.[0]?.name;
      fields = (feed.items ?? []).map((item) => ({
        guid: item.id === undefined ? undefined : String(item.id),
        link: item.url ?? item.external_url,
        title: item.title,
        author: item.authors?.[0]?.name ?? feedAuthor,
        published: item.date_published,
        updated: item.date_modified,
        contentHtml: item.content_html ?? (item.content_text === undefined ? undefined : textAsHtml(item.content_text)),
        summaryHtml: item.summary === undefined ? undefined : textAsHtml(item.summary),
        categories: item.tags,
      }));
      break;
    }
  }

  const entries = fields.map((f, position) => toEntry(f, position, base));
  const document: FeedDocument = { format: parsed.format, entries: newest(entries, options.maxEntries), total: entries.length };
  const cleanTitle = line(title);
  if (cleanTitle !== undefined) document.title = cleanTitle;
  const siteLink = link === undefined ? undefined : absoluteUrl(link, base);
  if (siteLink !== undefined) document.link = siteLink;
  return document;
}

function toEntry(fields: Fields, position: number, base: string | undefined): FeedEntry {
  const entry: FeedEntry = { position, categories: (fields.categories ?? []).map((c) => line(c)).filter((c): c is string => c !== undefined), fullText: false };
  const guid = line(fields.guid);
  if (guid !== undefined) entry.guid = guid;
  const link = fields.link === undefined ? undefined : absoluteUrl(fields.link.trim(), base);
  if (link !== undefined) entry.link = link;
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

function personName(person: { name?: string; email?: string } | undefined): string | undefined {
  return line(person?.name) ?? line(person?.email);
}

function alternateLink(links: { href?: string; rel?: string }[] | undefined): string | undefined {
  const usable = (links ?? []).filter((l) => typeof l.href === 'string' && l.href.trim() !== '');
  return (usable.find((l) => l.rel === undefined || l.rel === 'alternate') ?? usable[0])?.href;
}

/** An Atom text construct as a line of text: HTML titles lose their markup. */
function textOf(text: { value?: string; type?: string } | undefined): string | undefined {
  if (text?.value === undefined) return undefined;
  return text.type === 'html' || text.type === 'xhtml' ? stripTags(text.value) : text.value;
}

/** An Atom text construct as HTML: `type="text"` (the default) is escaped. */
function htmlOf(text: { value?: string; type?: string } | undefined): string | undefined {
  if (text?.value === undefined) return undefined;
  return text.type === 'html' || text.type === 'xhtml' || /\+xml$|\/html$/i.test(text.type ?? '') ? text.value : textAsHtml(text.value);
}

/** Plain text as HTML paragraphs (blank lines separate them). */
function textAsHtml(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '')
    .map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`)
    .join('\n');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Markup out, the common entities decoded: enough for titles and for measuring a teaser. */
function stripTags(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/&quot;/gi, '"')
    .replace(/&#0*39;|&apos;/gi, "'")
    .replace(/&amp;/gi, '&');
}

function absoluteUrl(text: string, base?: string): string | undefined {
  try {
    const url = new URL(text, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function line(text: string | undefined): string | undefined {
  if (typeof text !== 'string') return undefined;
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat === '' ? undefined : flat;
}

function blank(text: string | undefined): boolean {
  return typeof text !== 'string' || text.trim() === '';
}
