import { createHash } from 'node:crypto';
import type { Article } from '../articles/article.ts';
import { idFromUrl, slugify } from '../articles/identity.ts';
import { parseArticleBuffer } from '../articles/parse-buffer.ts';
import type { ParsePool } from '../articles/parse-pool.ts';
import { normalizePublished } from '../articles/published.ts';
import { buildArticle, type ArticleFields } from '../articles/validate.ts';
import { feedText } from '../messages/feeds.ts';
import type { FetchResult } from '../net/safe-fetch.ts';
import type { FeedItemRecord } from '../store/catalog/feed-tables.ts';
import { isLater } from '../store/catalog/versions.ts';
import { conditionalHeaders, validatorsOf } from './conditional.ts';
import { escapeHtml } from '../articles/feed/text.ts';
import { firstSeenAsOf, pageCheckDue } from './schedule.ts';
import type { Result } from '../result.ts';
import type { FeedEntry } from '../articles/feed/types.ts';

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
  /**
   * Could not be read this time; `record` is the stored one (kept) when there is one. A `permanent`
   * failure (a link that is no web address) would fail the same way again: nothing to retry.
   */
  | { kind: 'failed'; error: string; record: FeedItemRecord | null; permanent?: true };

const PAGE_ACCEPT = 'text/html,application/xhtml+xml';
/** What a story page may be: anything else is refused before its body is read. */
export const STORY_PAGE_TYPES = { mediaTypes: ['text/html', 'application/xhtml+xml'], description: 'an HTML page' } as const;

/** What identifies an entry across syncs: its guid, else its link. */
export function entryKey(entry: FeedEntry): string | undefined {
  return entry.guid ?? entry.link;
}

/** The feed's own fields for an entry, as JSON (its position in the feed left out). */
function entryJson(entry: FeedEntry): string {
  const { position: _position, ...fields } = entry;
  return JSON.stringify(fields);
}

/** The feed's own fields for an entry, hashed: when they are unchanged, only the page can have changed. */
export function entryHash(entry: FeedEntry): string {
  return createHash('sha256').update(entryJson(entry), 'utf8').digest('hex');
}

/** The entry an item record kept (an item whose story is on its page), to ask its page again without the feed. */
export function storedEntry(record: FeedItemRecord): FeedEntry | null {
  if (!record.entry) return null;
  try {
    return { ...(JSON.parse(record.entry) as Omit<FeedEntry, 'position'>), position: 0 };
  } catch {
    return null;
  }
}

/** A new entry's article id: from its link, as `newsroom ingest <url>` would name the page; else from its guid. */
export function newArticleId(entry: FeedEntry): string {
  if (entry.link !== undefined) return idFromUrl(new URL(entry.link));
  return slugify(entry.guid ?? entry.title ?? 'feed-item');
}

/** The article an entry stands for, or that nothing changed, or why it cannot be read this time. */
export async function resolveEntry(entry: FeedEntry, stored: FeedItemRecord | undefined, ctx: EntryContext): Promise<EntryOutcome> {
  const feedDate = entry.published === undefined ? undefined : normalizePublished(entry.published);
  const needsPage = entry.link !== undefined && (!entry.fullText || !feedDate?.ok);
  const record = itemRecord(entry, stored, ctx.now, needsPage);
  // A first-seen time the clock put in the future was corrected: the story is stored again with it.
  const sameAsBefore = stored?.itemHash === record.itemHash && stored.firstSeenAt === record.firstSeenAt;
  const kept = stored ? { ...stored, firstSeenAt: record.firstSeenAt, lastSeenAt: ctx.now } : null;
  const failed = (error: string): EntryOutcome => ({ kind: 'failed', error, record: kept });

  if (entry.unusableLink !== undefined && !entry.fullText) {
    return { kind: 'failed', error: feedText.unusableLink(entry, entry.unusableLink), record: kept, permanent: true };
  }
  if (sameAsBefore && !needsPage) return { kind: 'unchanged', record: kept ?? record };
  if (sameAsBefore && kept && !pageCheckDue(kept, ctx.now)) return { kind: 'unchanged', record: kept };

  let page: StoryPage | undefined;
  if (needsPage && entry.link !== undefined) {
    const validators = sameAsBefore && stored ? { etag: stored.pageEtag, lastModified: stored.pageLastModified } : null;
    const fetched = await ctx.fetchPage(entry.link, { accept: PAGE_ACCEPT, ...conditionalHeaders(validators) });
    if (fetched.ok && fetched.status === 304 && kept) {
      return { kind: 'unchanged', record: { ...kept, pageCheckedAt: ctx.now } };
    }
    page = await readStoryPage(entry, entry.link, fetched, record, ctx);
  }

  const source = entry.link ?? `${ctx.feedUrl}#${entry.guid ?? record.key}`;
  const body = await storyBody(entry, page, { source, articleId: record.articleId, storedBefore: kept !== null }, ctx);
  if (!body.ok) return failed(body.error);

  const { published, notices } = publishedDate(entry, feedDate, page?.article, record.firstSeenAt);
  record.publishedAt = published;
  const fields = articleFields(entry, record.articleId, body.value, published, page?.article);
  const built = buildArticle(fields, {
    where: feedText.itemWhere(entry),
    source,
    fallbackId: record.articleId,
    titleHint: feedText.noTitleHint,
  });
  if (!built.ok) return failed(feedText.itemFailed(entry, built.error, kept !== null));
  return { kind: 'article', article: built.article, record, notices };
}

/**
 * The record this sync keeps for an entry; the page's validators are filled in once the page is
 * read. The feed's fields are kept for an entry whose story is on its page (`needsPage`).
 */
function itemRecord(entry: FeedEntry, stored: FeedItemRecord | undefined, now: string, needsPage: boolean): FeedItemRecord {
  return {
    key: entryKey(entry) as string,
    articleId: stored?.articleId ?? newArticleId(entry),
    link: entry.link ?? null,
    itemHash: entryHash(entry),
    pageEtag: null,
    pageLastModified: null,
    pageCheckedAt: null,
    firstSeenAt: firstSeenAsOf(stored?.firstSeenAt, now),
    lastSeenAt: now,
    entry: needsPage ? entryJson(entry) : null,
    inFeed: true,
    publishedAt: stored?.publishedAt ?? null,
  };
}

/** A story page: its article, or why it could not be had. */
type StoryPage = { article: Article; problem?: undefined } | { article?: undefined; problem: string };

/** Reads a fetched story page with the article HTML loader, noting its validators in `record`. */
async function readStoryPage(
  entry: FeedEntry,
  link: string,
  fetched: FetchResult,
  record: FeedItemRecord,
  ctx: EntryContext,
): Promise<StoryPage> {
  if (!fetched.ok) return { problem: fetched.message };
  const { etag, lastModified } = validatorsOf(fetched.headers);
  Object.assign(record, { pageEtag: etag, pageLastModified: lastModified, pageCheckedAt: ctx.now });
  const [parsed] = await parseArticleBuffer(link, fetched.body, link, {
    format: 'html',
    contentType: fetched.headers.get('content-type') ?? 'text/html',
    maxBytes: ctx.maxBytes,
    baseUrl: fetched.url,
    url: fetched.url,
    fallbackId: record.articleId,
    pool: ctx.pool,
  });
  return parsed?.ok ? { article: parsed.article } : { problem: parsed?.error ?? feedText.noText(entry) };
}

/** The story's text: the feed's own when it carries the whole story (or there is no page to read), else the page's. */
async function storyBody(
  entry: FeedEntry,
  page: StoryPage | undefined,
  { source, articleId, storedBefore }: { source: string; articleId: string; storedBefore: boolean },
  ctx: EntryContext,
): Promise<Result<string>> {
  if (entry.fullText || (!page?.article && entry.link === undefined)) {
    const html = entry.contentHtml ?? entry.summaryHtml;
    if (html === undefined) return { ok: false, error: feedText.noText(entry) };
    const fromFeed = await htmlToText(html, entry, source, articleId, ctx);
    if (!fromFeed.ok) return { ok: false, error: feedText.itemFailed(entry, fromFeed.error, storedBefore) };
    return fromFeed;
  }
  if (page?.article) return { ok: true, value: page.article.body };
  return { ok: false, error: feedText.pageUnavailable(entry, page?.problem ?? feedText.noText(entry), storedBefore) };
}

/** The feed's date when it can be read; else the page's or, failing that, the first-seen time, with a notice saying so. */
function publishedDate(
  entry: FeedEntry,
  feedDate: ReturnType<typeof normalizePublished> | undefined,
  page: Article | undefined,
  firstSeenAt: string,
): { published: string; notices: string[] } {
  if (feedDate?.ok) return { published: feedDate.value, notices: [] };
  const from = page?.published !== undefined ? 'page' : 'first-seen';
  const published = page?.published ?? firstSeenAt;
  const notice =
    entry.published === undefined
      ? feedText.missingDate(entry, published, from)
      : feedText.oddDate(entry, entry.published, published, from);
  return { published, notices: [notice] };
}

/** The feed's own title, link, author and date win over the page's; the page fills what the feed leaves out. */
function articleFields(entry: FeedEntry, articleId: string, body: string, published: string, page: Article | undefined): ArticleFields {
  const fields: ArticleFields = {
    id: articleId,
    body,
    published,
    tags: entry.categories.length > 0 ? entry.categories : (page?.tags ?? []),
  };
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
  return fields;
}

/** The feed's HTML for an entry, as text, through the article HTML loader (in a parse worker). */
async function htmlToText(html: string, entry: FeedEntry, source: string, articleId: string, ctx: EntryContext): Promise<Result<string>> {
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
  if (parsed?.ok) return { ok: true, value: parsed.article.body };
  return { ok: false, error: parsed?.error ?? feedText.noText(entry) };
}
