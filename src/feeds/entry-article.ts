import { createHash } from 'node:crypto';
import type { Article } from '../articles/article.ts';
import { idFromUrl, slugify } from '../articles/identity.ts';
import { parseArticleBuffer } from '../articles/parse.ts';
import type { ParsePool } from '../articles/parse-pool.ts';
import { normalizePublished } from '../articles/published.ts';
import { buildArticle, type ArticleFields } from '../articles/validate.ts';
import { feedText } from '../messages.ts';
import type { FetchResult } from '../net/safe-fetch.ts';
import type { FeedItemRecord } from '../store/feed-tables.ts';
import { isLater } from '../store/versions.ts';
import { escapeHtml } from './feed-document.ts';
import type { FeedEntry } from './types.ts';

/*
 * One feed entry → the article it stands for. An entry carrying the whole story is used as it is
 * (its HTML made text by the article HTML loader, in a parse worker); a headline and teaser is
 * followed to its page, whose story the same loader extracts (Readability, furniture removed).
 * The feed's own title, link, author and date win over the page's; the page fills what the feed
 * leaves out. Story pages are asked conditionally (If-None-Match / If-Modified-Since) when the
 * feed's fields for the entry have not changed, so an unchanged story costs one 304.
 */

export interface EntryContext {
  feedUrl: string;
  maxBytes: number;
  pool: ParsePool;
  /** Fetches a story page (through the network boundary, counted and limited per host). */
  fetchPage(url: string, headers: Record<string, string>): Promise<FetchResult>;
  /** This sync's time, ISO: the first-seen time of new entries. */
  now: string;
}

export type EntryOutcome =
  /** Nothing changed (same feed fields, and the page answered 304 or was not needed). */
  | { kind: 'unchanged'; record: FeedItemRecord }
  | { kind: 'article'; article: Article; record: FeedItemRecord; notices: string[] }
  /** Could not be read this time; `record` is the stored one (kept) when there is one. */
  | { kind: 'failed'; error: string; record: FeedItemRecord | null };

const PAGE_ACCEPT = 'text/html,application/xhtml+xml';
/**
 * The page of an entry whose feed fields have not changed is asked again (conditionally) at most
 * this often: a correction made on the page alone shows within the hour, and a feed that changes
 * every few minutes does not cost a request per story each time.
 */
export const PAGE_RECHECK_MS = 3600_000;
/** What a story page may be: anything else is refused before its body is read. */
export const STORY_PAGE_TYPES = { mediaTypes: ['text/html', 'application/xhtml+xml'], description: 'an HTML page' } as const;

/** What identifies an entry across syncs: its guid, else its link. */
export function entryKey(entry: FeedEntry): string | undefined {
  return entry.guid ?? entry.link;
}

/** The feed's own fields for an entry, hashed: when they are unchanged, only the page can have changed. */
export function entryHash(entry: FeedEntry): string {
  const { position: _position, ...fields } = entry;
  return createHash('sha256').update(JSON.stringify(fields), 'utf8').digest('hex');
}

/** A new entry's article id: from its link, as `newsroom ingest <url>` would name the page; else from its guid. */
export function newArticleId(entry: FeedEntry): string {
  if (entry.link !== undefined) return idFromUrl(new URL(entry.link));
  return slugify(entry.guid ?? entry.title ?? 'feed-item');
}

export async function resolveEntry(entry: FeedEntry, stored: FeedItemRecord | undefined, ctx: EntryContext): Promise<EntryOutcome> {
  const key = entryKey(entry) as string;
  const itemHash = entryHash(entry);
  const sameAsBefore = stored?.itemHash === itemHash;
  const articleId = stored?.articleId ?? newArticleId(entry);
  const record: FeedItemRecord = {
    key,
    articleId,
    link: entry.link ?? null,
    itemHash,
    pageEtag: null,
    pageLastModified: null,
    pageCheckedAt: null,
    firstSeenAt: stored?.firstSeenAt ?? ctx.now,
    lastSeenAt: ctx.now,
  };
  const kept = stored ? { ...stored, lastSeenAt: ctx.now } : null;
  const failed = (error: string): EntryOutcome => ({ kind: 'failed', error, record: kept });

  const feedDate = entry.published === undefined ? undefined : normalizePublished(entry.published);
  const needsPage = entry.link !== undefined && (!entry.fullText || !feedDate?.ok);
  if (sameAsBefore && !needsPage) return { kind: 'unchanged', record: kept ?? record };
  const checkedAt = stored?.pageCheckedAt;
  const checkedRecently = checkedAt ? Date.parse(ctx.now) - Date.parse(checkedAt) < PAGE_RECHECK_MS : false;
  if (sameAsBefore && kept && checkedRecently) return { kind: 'unchanged', record: kept };

  let page: Article | undefined;
  let pageProblem: string | undefined;
  if (needsPage && entry.link !== undefined) {
    const conditional: Record<string, string> = {};
    if (sameAsBefore && stored?.pageEtag) conditional['if-none-match'] = stored.pageEtag;
    if (sameAsBefore && stored?.pageLastModified) conditional['if-modified-since'] = stored.pageLastModified;
    const fetched = await ctx.fetchPage(entry.link, { accept: PAGE_ACCEPT, ...conditional });
    if (fetched.ok && fetched.status === 304 && kept) {
      return { kind: 'unchanged', record: { ...kept, pageCheckedAt: ctx.now } };
    }
    if (!fetched.ok) {
      pageProblem = fetched.message;
    } else {
      record.pageEtag = fetched.headers.get('etag');
      record.pageLastModified = fetched.headers.get('last-modified');
      record.pageCheckedAt = ctx.now;
      const [parsed] = await parseArticleBuffer(entry.link, fetched.body, entry.link, {
        format: 'html',
        contentType: fetched.headers.get('content-type') ?? 'text/html',
        maxBytes: ctx.maxBytes,
        baseUrl: fetched.url,
        url: fetched.url,
        fallbackId: articleId,
        pool: ctx.pool,
      });
      if (parsed?.ok) page = parsed.article;
      else pageProblem = parsed?.error ?? feedText.noText(entry);
    }
  }

  const source = entry.link ?? `${ctx.feedUrl}#${entry.guid ?? key}`;
  let body: string;
  if (entry.fullText || (!page && entry.link === undefined)) {
    const html = entry.contentHtml ?? entry.summaryHtml;
    if (html === undefined) return failed(feedText.noText(entry));
    const fromFeed = await htmlToText(html, entry, source, articleId, ctx);
    if (!fromFeed.ok) return failed(feedText.itemFailed(entry, fromFeed.error, kept !== null));
    body = fromFeed.body;
  } else if (page) {
    body = page.body;
  } else {
    return failed(feedText.pageUnavailable(entry, pageProblem ?? feedText.noText(entry), kept !== null));
  }

  const notices: string[] = [];
  let published: string;
  if (feedDate?.ok) {
    published = feedDate.value;
  } else {
    const from = page?.published !== undefined ? 'page' : 'first-seen';
    published = page?.published ?? record.firstSeenAt;
    notices.push(
      entry.published === undefined ? feedText.missingDate(entry, published, from) : feedText.oddDate(entry, entry.published, published, from),
    );
  }

  const fields: ArticleFields = { id: articleId, body, published, tags: entry.categories.length > 0 ? entry.categories : (page?.tags ?? []) };
  const title = entry.title ?? page?.title;
  if (title !== undefined) fields.title = title;
  const url = entry.link ?? page?.url;
  if (url !== undefined) fields.url = url;
  const byline = entry.author ?? page?.byline;
  if (byline !== undefined) fields.byline = byline;
  if (page?.section !== undefined) fields.section = page.section;
  // When the story last changed: the feed's date (read as published is), else the page's. A date
  // that cannot be read is left out (the story is not refused for it); one no later than the
  // publication means not updated. An update keeps the first publication date (catalog.ts putVersion).
  const feedUpdated = entry.updated === undefined ? undefined : normalizePublished(entry.updated);
  const updated = feedUpdated?.ok ? feedUpdated.value : page?.updated;
  if (updated !== undefined && isLater(updated, published)) fields.updated = updated;

  const built = buildArticle(fields, { where: feedText.itemWhere(entry), source, fallbackId: articleId, titleHint: feedText.noTitleHint });
  if (!built.ok) return failed(feedText.itemFailed(entry, built.error, kept !== null));
  return { kind: 'article', article: built.article, record, notices };
}

/** The feed's HTML for an entry, as text, through the article HTML loader (in a parse worker). */
async function htmlToText(
  html: string,
  entry: FeedEntry,
  source: string,
  articleId: string,
  ctx: EntryContext,
): Promise<{ ok: true; body: string } | { ok: false; error: string }> {
  const page =
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(entry.title ?? 'Untitled')}</title></head>` +
    `<body><article>${html}</article></body></html>`;
  const where = feedText.itemWhere(entry);
  const [parsed] = await parseArticleBuffer(where, Buffer.from(page, 'utf8'), source, {
    format: 'html',
    contentType: 'text/html; charset=utf-8',
    maxBytes: ctx.maxBytes,
    fallbackId: articleId,
    pool: ctx.pool,
  });
  if (parsed?.ok) return { ok: true, body: parsed.article.body };
  return { ok: false, error: parsed?.error ?? feedText.noText(entry) };
}
