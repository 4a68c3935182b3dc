/**
 * A stand-in newsroom website on 127.0.0.1 for the feed tests and bench: RSS 2.0, Atom and JSON
 * Feed over the same stories, story pages wrapped in the furniture real sites have (nav, header,
 * aside, footer, scripts, a cookie banner), ETag and Last-Modified honoured with 304s, and the
 * ways real servers fail (an HTML page where a feed should be, malformed XML, a 50 MB body, a
 * redirect loop, a 404, a 500 before a success, a server that never answers, story pages that
 * never answer). The real fetch and parsing code runs against it over HTTP.
 *
 *   const site = await startNewsroomSite();
 *   site.publish({ slug: 'harbour-vote', title: 'Harbour board votes', paragraphs: ['…', '…'] });
 *   // follow site.url('/rss.xml'), sync, then:
 *   site.correct('harbour-vote', { paragraphs: ['… corrected …'] });
 *   site.requests.filter((r) => r.status === 304).length;
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Story {
  slug: string;
  title: string;
  paragraphs: string[];
  /** ISO date-time of first publication (default: when published on the site). */
  published?: string;
  /** What the feeds write as the date instead of `published` ("yesterday"); null writes no date at all. */
  feedDate?: string | null;
  /** Whether the page carries `article:published_time` (default true). */
  pageDate?: boolean;
  author?: string;
  /** The item's guid (default `urn:newsroom:<slug>`); null writes none. */
  guid?: string | null;
  /** The item's link (default the story page); null writes none. */
  link?: string | null;
  /** Status the story page answers with (default 200). */
  pageStatus?: number;
  /** The story page accepts the request and never answers (a CMS stuck on one page). */
  pageHangs?: boolean;
  /** Bumped by correct(): the page's ETag and Last-Modified change with it. */
  version?: number;
  /** ISO date-time of the last correction. */
  updated?: string;
}

export interface SiteRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  status: number;
  /** Body bytes sent. */
  bytes: number;
}

/** Whether feeds and story pages send ETag / Last-Modified and answer conditional requests with 304. */
export interface Validators {
  feeds: boolean;
  pages: boolean;
}

export interface SiteOptions {
  /** Default: both true. */
  validators?: Partial<Validators>;
}

type Route = (req: IncomingMessage, res: ServerResponse, site: NewsroomSite) => void;

export interface NewsroomSite {
  base: string;
  url(path: string): string;
  /** Stories newest first, as every feed lists them. */
  readonly stories: Story[];
  /** Puts a story at the top of every feed (and its page online). */
  publish(story: Story): Story;
  /** Changes a story in place (same guid and link): a correction. */
  correct(slug: string, changes: Partial<Omit<Story, 'slug'>>): Story;
  /** Takes a story out of the feeds; `page: 'gone'` also makes its page answer 410. */
  remove(slug: string, options?: { page?: 'kept' | 'gone' }): void;
  /** Replaces what a path answers (tests add their own failures). */
  route(path: string, handler: Route): void;
  /** Every request, in order. */
  requests: SiteRequest[];
  /** Requests since the last call, and forgets them. */
  takeRequests(): SiteRequest[];
  /** Changeable at any time. */
  validators: Validators;
  /** Story pages answer after this many milliseconds (default 0). */
  pageDelayMs: number;
  /** Requests being answered now, and the most there ever were at once. */
  readonly inFlight: { now: number; max: number };
  close(): Promise<void>;
}

const SITE_NAME = 'The Harbour Gazette';
const EPOCH = Date.parse('2026-03-02T08:00:00Z');

export async function startNewsroomSite(options: SiteOptions = {}): Promise<NewsroomSite> {
  const stories: Story[] = [];
  const routes = new Map<string, Route>();
  const sockets = new Set<Socket>();
  let published = 0;

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://site').pathname;
    const record: SiteRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, status: 0, bytes: 0 };
    site.requests.push(record);
    site.inFlight.now++;
    site.inFlight.max = Math.max(site.inFlight.max, site.inFlight.now);
    res.once('close', () => site.inFlight.now--);
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      record.bytes += byteLength(chunk);
      return write(chunk, ...rest);
    }) as typeof res.write;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      if (args[0] !== undefined && typeof args[0] !== 'function') record.bytes += byteLength(args[0]);
      record.status = res.statusCode;
      return end(...args);
    }) as typeof res.end;

    const custom = routes.get(path);
    if (custom) return custom(req, res, site);
    const feeds = site.validators.feeds;
    if (path === '/rss.xml') return send(req, res, 'application/rss+xml; charset=utf-8', rss(site, 'teaser'), feedModified(stories), feeds);
    if (path === '/rss-full.xml')
      return send(req, res, 'application/rss+xml; charset=utf-8', rss(site, 'full'), feedModified(stories), feeds);
    if (path === '/atom.xml') return send(req, res, 'application/atom+xml; charset=utf-8', atom(site), feedModified(stories), feeds);
    if (path === '/feed.json') return send(req, res, 'application/feed+json; charset=utf-8', jsonFeed(site), feedModified(stories), feeds);
    if (path === '/') return send(req, res, 'text/html; charset=utf-8', homePage(site), feedModified(stories), feeds);
    const slug = path.startsWith('/stories/') ? path.slice('/stories/'.length) : undefined;
    const story = slug === undefined ? undefined : [...stories, ...offFeed].find((s) => s.slug === slug);
    if (story || removed.has(path)) {
      const status = story?.pageStatus ?? removed.get(path) ?? 200;
      if (status !== 200 || !story) return void res.writeHead(status, { 'content-type': 'text/html' }).end(`<h1>${status}</h1>`);
      if (story.pageHangs) return;
      const modified = Date.parse(story.updated ?? story.published ?? new Date(EPOCH).toISOString());
      const answer = () => send(req, res, 'text/html; charset=utf-8', storyPage(site, story), modified, site.validators.pages);
      if (site.pageDelayMs > 0) return void setTimeout(answer, site.pageDelayMs);
      return answer();
    }
    res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  /** Pages of stories taken down (410), and stories out of the feeds whose pages stay online. */
  const removed = new Map<string, number>();
  const offFeed: Story[] = [];

  const site: NewsroomSite = {
    base,
    url: (path) => `${base}${path}`,
    stories,
    validators: { feeds: true, pages: true, ...options.validators },
    pageDelayMs: 0,
    inFlight: { now: 0, max: 0 },
    publish(story) {
      published++;
      const full: Story = { ...story, version: 1, published: story.published ?? new Date(EPOCH + published * 3600_000).toISOString() };
      stories.unshift(full);
      removed.delete(`/stories/${story.slug}`);
      return full;
    },
    correct(slug, changes) {
      const story = stories.find((s) => s.slug === slug);
      if (!story) throw new Error(`no story ${slug}`);
      Object.assign(story, changes, {
        version: (story.version ?? 1) + 1,
        updated: new Date(Date.parse(story.published ?? '') + 3600_000 * (story.version ?? 1)).toISOString(),
      });
      return story;
    },
    remove(slug, { page = 'kept' } = {}) {
      const index = stories.findIndex((s) => s.slug === slug);
      if (index < 0) throw new Error(`no story ${slug}`);
      const [story] = stories.splice(index, 1);
      if (page === 'gone') removed.set(`/stories/${slug}`, 410);
      else if (story) offFeed.push(story);
    },
    route(path, handler) {
      routes.set(path, handler);
    },
    requests: [],
    takeRequests() {
      return site.requests.splice(0);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return site;

  /** Answers with `body`, or 304 when the request's validators match (and the site sends them). */
  function send(
    req: IncomingMessage,
    res: ServerResponse,
    contentType: string,
    body: string,
    modifiedMs: number,
    validators: boolean,
  ): void {
    const headers: Record<string, string> = { 'content-type': contentType };
    if (validators) {
      const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
      const lastModified = new Date(Math.floor(modifiedMs / 1000) * 1000).toUTCString();
      headers.etag = etag;
      headers['last-modified'] = lastModified;
      const ifNoneMatch = req.headers['if-none-match'];
      const ifModifiedSince = req.headers['if-modified-since'];
      const notModified =
        ifNoneMatch !== undefined
          ? ifNoneMatch
              .split(',')
              .map((t) => t.trim())
              .includes(etag)
          : ifModifiedSince !== undefined && Date.parse(ifModifiedSince) >= Date.parse(lastModified);
      if (notModified) return void res.writeHead(304, headers).end();
    }
    res.writeHead(200, { ...headers, 'content-length': String(Buffer.byteLength(body)) }).end(body);
  }
}

function byteLength(chunk: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk);
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  return 0;
}

function feedModified(stories: readonly Story[]): number {
  return Math.max(EPOCH, ...stories.map((s) => Date.parse(s.updated ?? s.published ?? '') || EPOCH));
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const storyLink = (site: NewsroomSite, story: Story): string | null =>
  story.link === undefined ? site.url(`/stories/${story.slug}`) : story.link;
const storyGuid = (story: Story): string | null => (story.guid === undefined ? `urn:newsroom:${story.slug}` : story.guid);
const teaser = (story: Story): string => `${(story.paragraphs[0] ?? '').split(/(?<=\.)\s/)[0] ?? ''}`;
const storyHtml = (story: Story): string => story.paragraphs.map((p) => `<p>${escapeXml(p)}</p>`).join('\n');

function rssDate(story: Story): string | null {
  if (story.feedDate === null) return null;
  return story.feedDate ?? new Date(story.published ?? EPOCH).toUTCString();
}

/** RSS 2.0: a teaser in <description>, or (`full`) the story in <content:encoded>. */
export function rss(site: NewsroomSite, kind: 'teaser' | 'full', stories: readonly Story[] = site.stories): string {
  const items = stories.map((story) => {
    const link = storyLink(site, story);
    const guid = storyGuid(story);
    const date = rssDate(story);
    return [
      '<item>',
      `<title>${escapeXml(story.title)}</title>`,
      link === null ? '' : `<link>${escapeXml(link)}</link>`,
      guid === null ? '' : `<guid isPermaLink="false">${escapeXml(guid)}</guid>`,
      date === null ? '' : `<pubDate>${escapeXml(date)}</pubDate>`,
      story.author ? `<dc:creator>${escapeXml(story.author)}</dc:creator>` : '',
      `<description>${escapeXml(teaser(story))}</description>`,
      kind === 'full' ? `<content:encoded><![CDATA[${storyHtml(story)}]]></content:encoded>` : '',
      '</item>',
    ].join('');
  });
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">\n' +
    `<channel><title>${SITE_NAME}</title><link>${site.url('/')}</link><description>News from the harbour</description>\n` +
    `${items.join('\n')}\n</channel></rss>\n`
  );
}

/** Atom 1.0 with the whole story as HTML content. */
export function atom(site: NewsroomSite, stories: readonly Story[] = site.stories): string {
  const entries = stories.map((story) => {
    const link = storyLink(site, story);
    const date = story.feedDate === null ? null : (story.feedDate ?? story.published ?? '');
    return [
      '<entry>',
      `<title>${escapeXml(story.title)}</title>`,
      `<id>${escapeXml(storyGuid(story) ?? `urn:newsroom:${story.slug}`)}</id>`,
      link === null ? '' : `<link rel="alternate" type="text/html" href="${escapeXml(link)}"/>`,
      date === null ? '' : `<published>${escapeXml(date)}</published>`,
      `<updated>${escapeXml(story.updated ?? story.published ?? '')}</updated>`,
      story.author ? `<author><name>${escapeXml(story.author)}</name></author>` : '',
      `<summary>${escapeXml(teaser(story))}</summary>`,
      `<content type="html">${escapeXml(storyHtml(story))}</content>`,
      '</entry>',
    ].join('');
  });
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n' +
    `<title>${SITE_NAME} (Atom)</title><id>${site.url('/atom.xml')}</id><link rel="alternate" href="${site.url('/')}"/>` +
    `<updated>${new Date(feedModified(stories)).toISOString()}</updated>\n${entries.join('\n')}\n</feed>\n`
  );
}

/** JSON Feed 1.1 with teasers (`summary`) and links: the pages hold the stories. */
export function jsonFeed(site: NewsroomSite, stories: readonly Story[] = site.stories): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: `${SITE_NAME} (JSON)`,
    home_page_url: site.url('/'),
    feed_url: site.url('/feed.json'),
    items: stories.map((story) => {
      const link = storyLink(site, story);
      const item: Record<string, unknown> = { id: storyGuid(story) ?? story.slug, title: story.title, summary: teaser(story) };
      if (link !== null) item.url = link;
      if (story.feedDate !== null) item.date_published = story.feedDate ?? story.published;
      if (story.updated) item.date_modified = story.updated;
      if (story.author) item.authors = [{ name: story.author }];
      return item;
    }),
  });
}

/** The site's home page: a web page that names its feeds. */
function homePage(site: NewsroomSite): string {
  return (
    `<!DOCTYPE html><html><head><title>${SITE_NAME}</title>` +
    `<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.xml"></head>` +
    `<body><nav><a href="/">Home</a></nav><main><h1>${SITE_NAME}</h1>` +
    site.stories.map((s) => `<p><a href="/stories/${s.slug}">${escapeXml(s.title)}</a></p>`).join('') +
    '</main></body></html>'
  );
}

/** Words that must never reach an article: they sit only in the page's furniture. */
export const FURNITURE_WORDS = [
  'Subscribe to our newsletter',
  'Cookie preferences',
  'Most read this week',
  'trackPageView',
  'All rights reserved',
];

/** A story page as a CMS renders it: the story inside nav, header, sidebar, footer and scripts. */
export function storyPage(site: NewsroomSite, story: Story): string {
  const published = story.pageDate === false ? '' : `<meta property="article:published_time" content="${story.published}">`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>${escapeXml(story.title)} | ${SITE_NAME}</title>
<meta property="og:title" content="${escapeXml(story.title)}">
${published}
${story.author ? `<meta name="author" content="${escapeXml(story.author)}">` : ''}
<link rel="canonical" href="${site.url(`/stories/${story.slug}`)}">
<script>window.analytics = { trackPageView: true };</script>
<style>body { font-family: serif; }</style>
</head><body>
<div class="cookie-banner">Cookie preferences: we use cookies. <button>Accept</button></div>
<header class="site-header"><a href="/">${SITE_NAME}</a><nav><a href="/news">News</a> <a href="/sport">Sport</a> <a href="/subscribe">Subscribe to our newsletter</a></nav></header>
<main>
<article>
<h1>${escapeXml(story.title)}</h1>
${story.author ? `<p class="byline">By ${escapeXml(story.author)}</p>` : ''}
${storyHtml(story)}
</article>
<aside class="sidebar"><h2>Most read this week</h2><ul><li><a href="/stories/x">Another story</a></li></ul></aside>
</main>
<footer><p>© 2026 ${SITE_NAME}. All rights reserved.</p><nav><a href="/about">About</a></nav></footer>
<script>document.querySelectorAll('a').forEach(function (a) { a.dataset.trackPageView = '1'; });</script>
</body></html>`;
}

// ---------------------------------------------------------------- failures real servers produce

/** A feed address that answers with the site's home page (HTML that names the real feed). */
export const servesHtml: Route = (_req, res, site) =>
  void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(homePage(site));

/** XML that breaks off mid-item. */
export const servesMalformedXml: Route = (_req, res) =>
  void res
    .writeHead(200, { 'content-type': 'application/rss+xml' })
    .end('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Broken</title>\n<item><title>Half an item</item>\n</channel></rss>');

/** An endless body, streamed without a Content-Length (50 MB unless the client stops first). */
export function servesHugeBody(megabytes = 50): Route {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    const pump = (): void => {
      while (sent < megabytes * 1024 * 1024) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => (sent = Number.POSITIVE_INFINITY));
    res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>');
    pump();
  };
}

/** Redirects to `to`, which should redirect back. */
export function redirectsTo(to: string): Route {
  return (_req, res) => void res.writeHead(302, { location: to }).end();
}

/** Answers with `status` (and Retry-After) the first `times` requests, then as `then` does. */
export function failsThen(times: number, status: number, retryAfterSeconds: number | undefined, then: Route): Route {
  let count = 0;
  return (req, res, site) => {
    if (count++ < times) {
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
      return void res.writeHead(status, headers).end('unavailable');
    }
    then(req, res, site);
  };
}

/** Accepts the request and never answers. */
export const neverAnswers: Route = () => undefined;

/** A route answering with fixed text. */
export function servesText(contentType: string, body: string): Route {
  return (_req, res) => void res.writeHead(200, { 'content-type': contentType }).end(body);
}
