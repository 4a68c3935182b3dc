import { createRequire } from 'node:module';
import type { Readability } from '@mozilla/readability';
import { allMatches, attr, parseDocument, type DomDocument, type DomElement } from '../dom.ts';
import { elementParagraphs } from '../html-text.ts';
import { normalizeLine } from '../normalize.ts';
import { normalizePublished } from '../published.ts';
import { parseHttpUrl, type ArticleFields } from '../validate.ts';

/*
 * A web page → article fields. Metadata comes from the page head (and a few common
 * in-page markers) before anything is removed; page furniture is then stripped and
 * Readability picks the main content, which is turned into one paragraph per block.
 */

export interface HtmlOptions {
  /** The page's address: resolves a relative canonical link. */
  baseUrl?: string;
  /** Use this as the article url instead of the page's canonical link (a fetched page's final URL). */
  url?: string;
}

interface PageMetadata {
  /** The story's headline as the page marks it (og:title, the article's <h1>). */
  title?: string;
  /** The <title> element, often suffixed with the site name: a last resort. */
  documentTitle?: string;
  byline?: string;
  published: string[];
  /** When the page says the story was last modified (candidates, most deliberate first). */
  updated: string[];
  url?: string;
  section?: string;
  tags: string[];
}

export function parseHtmlArticle(html: string, options: HtmlOptions = {}): ArticleFields {
  const document = parseDocument(html);
  const metadata = readPageMetadata(document, options.baseUrl);
  removeFurniture(document);

  const readable = runReadability(document);
  let paragraphs: string[];
  if (readable?.content) {
    const content = parseDocument(readable.content).body;
    paragraphs = content ? elementParagraphs(content) : [];
  } else {
    paragraphs = document.body ? elementParagraphs(document.body) : [];
  }

  const title = metadata.title ?? textOrUndefined(readable?.title) ?? metadata.documentTitle;
  const byline = metadata.byline ?? cleanByline(readable?.byline);
  // Readability reads article:published_time and JSON-LD datePublished, the most deliberate sources.
  const published = readable?.publishedTime ? [readable.publishedTime, ...metadata.published] : metadata.published;

  const fields: ArticleFields = {
    body: dropRepeatedHeader(paragraphs, title, byline).join('\n\n'),
    tags: metadata.tags,
  };
  if (title !== undefined) fields.title = title;
  if (byline !== undefined) fields.byline = byline;
  const chosenDate = choosePublished(published);
  if (chosenDate !== undefined) fields.published = chosenDate;
  // A page's modified date is a courtesy: one that is not a date is left out rather than refusing the page.
  const updated = metadata.updated.find((candidate) => normalizePublished(candidate).ok);
  if (updated !== undefined) fields.updated = updated;
  const url = options.url ?? metadata.url;
  if (url !== undefined) fields.url = url;
  if (metadata.section !== undefined) fields.section = metadata.section;
  return fields;
}

let readability: typeof Readability | undefined;
/** Mozilla's Readability, read with the first page (like linkedom, see dom.ts). */
function readabilityClass(): typeof Readability {
  readability ??= (createRequire(import.meta.url)('@mozilla/readability') as { Readability: typeof Readability }).Readability;
  return readability;
}

/** Readability over arbitrary pages; should it trip on one, the cleaned page body is used instead. */
function runReadability(document: DomDocument): ReturnType<Readability<string>['parse']> {
  try {
    return new (readabilityClass())<string>(document, { charThreshold: 200 }).parse();
  } catch {
    return null;
  }
}

function readPageMetadata(document: DomDocument, baseUrl: string | undefined): PageMetadata {
  const meta = (selector: string): string | undefined => attr(document.querySelector(selector), 'content');
  const firstText = (selector: string): string | undefined => textOrUndefined(document.querySelector(selector)?.textContent);

  const title = meta('meta[property="og:title"]') ?? firstText('article h1') ?? firstText('main h1') ?? firstText('h1');
  const documentTitle = firstText('title');

  const authorMeta = meta('meta[name="author"]') ?? meta('meta[property="article:author"]');
  const byline =
    (authorMeta && !/^https?:\/\//i.test(authorMeta) ? authorMeta : undefined) ??
    cleanByline(firstText('[rel="author"]')) ??
    cleanByline(firstText('.byline'));

  const published = [
    meta('meta[property="article:published_time"]'),
    meta('meta[name="article:published_time"]'),
    attr(document.querySelector('[itemprop="datePublished"]'), 'content') ??
      attr(document.querySelector('[itemprop="datePublished"]'), 'datetime'),
    meta('meta[name="date"]'),
    meta('meta[name="pubdate"]'),
    meta('meta[name="publish-date"]'),
    attr(document.querySelector('time[pubdate]'), 'datetime'),
    attr(document.querySelector('time[datetime]'), 'datetime'),
  ].filter((value): value is string => value !== undefined);

  const updated = [
    meta('meta[property="article:modified_time"]'),
    meta('meta[name="article:modified_time"]'),
    attr(document.querySelector('[itemprop="dateModified"]'), 'content') ??
      attr(document.querySelector('[itemprop="dateModified"]'), 'datetime'),
    meta('meta[property="og:updated_time"]'),
    meta('meta[name="last-modified"]'),
  ].filter((value): value is string => value !== undefined);

  const canonical = attr(document.querySelector('link[rel="canonical"]'), 'href') ?? meta('meta[property="og:url"]');
  const url = canonical ? parseHttpUrl(canonical, baseUrl)?.href : undefined;

  const section = meta('meta[property="article:section"]') ?? meta('meta[name="section"]');

  let tags = allMatches(document, 'meta[property="article:tag"]')
    .map((element) => attr(element, 'content'))
    .filter((tag): tag is string => tag !== undefined);
  if (tags.length === 0) tags = (meta('meta[name="keywords"]') ?? '').split(',');

  const metadata: PageMetadata = { published, updated, tags };
  if (title !== undefined) metadata.title = title;
  if (documentTitle !== undefined) metadata.documentTitle = documentTitle;
  if (byline !== undefined) metadata.byline = byline;
  if (url !== undefined) metadata.url = url;
  if (section !== undefined) metadata.section = section;
  return metadata;
}

// Class or id words that mark page furniture rather than the story.
const FURNITURE_WORDS = new Set([
  'ad',
  'ads',
  'advert',
  'advertisement',
  'banner',
  'breadcrumb',
  'breadcrumbs',
  'comments',
  'consent',
  'cookie',
  'cookies',
  'gdpr',
  'masthead',
  'menu',
  'modal',
  'nav',
  'navbar',
  'newsletter',
  'paywall',
  'popup',
  'promo',
  'recommended',
  'related',
  'share',
  'sharing',
  'sidebar',
  'signup',
  'skip',
  'social',
  'sponsored',
  'subscribe',
  'subscription',
]);
// Words that mark metadata already read above; left in, they would open the body.
const METADATA_WORDS = new Set(['byline', 'dateline', 'timestamp', 'pubdate']);
const FURNITURE_ELEMENTS =
  'script, style, noscript, template, iframe, form, button, nav, aside, footer, dialog, ' +
  '[role="navigation"], [role="banner"], [role="contentinfo"], [role="complementary"], [role="dialog"], ' +
  '[role="alertdialog"], [hidden], [aria-hidden="true"]';
const BLOCK_CONTEXT = 'p, li, td, th, blockquote, figcaption, h1, h2, h3, h4, h5, h6';

function removeFurniture(document: DomDocument): void {
  const candidates = [
    ...allMatches(document, FURNITURE_ELEMENTS),
    ...allMatches(document, 'header').filter((header) => !header.closest('article, main, [role="main"]')),
    ...allMatches(document, '[class], [id]').filter(hasFurnitureName),
    // A bare date between the headline and the story is metadata, not a paragraph.
    ...allMatches(document, 'time').filter((time) => !time.closest(BLOCK_CONTEXT)),
  ];
  for (const element of candidates) {
    if (!holdsTheStory(element)) element.remove();
  }
}

function hasFurnitureName(element: DomElement): boolean {
  const words = `${element.getAttribute('class') ?? ''} ${element.getAttribute('id') ?? ''}`.toLowerCase().split(/[^a-z0-9]+/);
  return words.some((word) => FURNITURE_WORDS.has(word) || METADATA_WORDS.has(word));
}

/** Never strip the story itself because its container carries an unlucky class name. */
function holdsTheStory(element: DomElement): boolean {
  const tag = element.localName.toLowerCase();
  if (tag === 'html' || tag === 'body' || tag === 'main' || tag === 'article') return true;
  if (element.getAttribute('role') === 'main') return true;
  return element.querySelector('article, main, [role="main"]') !== null;
}

/** Readability keeps the headline and byline inside the content; the article has them as fields. */
function dropRepeatedHeader(paragraphs: string[], title: string | undefined, byline: string | undefined): string[] {
  const repeats = new Set<string>();
  if (title) repeats.add(comparable(title));
  if (byline) {
    repeats.add(comparable(byline));
    repeats.add(comparable(`By ${byline}`));
  }
  const leading = paragraphs.slice(0, 3).filter((paragraph) => repeats.has(comparable(paragraph)));
  return paragraphs.filter((paragraph, index) => index >= 3 || !leading.includes(paragraph));
}

function comparable(text: string): string {
  return normalizeLine(text).toLowerCase();
}

/** The first candidate that is a real date; if none is, the first one, so the problem gets reported. */
function choosePublished(candidates: string[]): string | undefined {
  return candidates.find((candidate) => normalizePublished(candidate).ok) ?? candidates[0];
}

function cleanByline(text: string | null | undefined): string | undefined {
  const line = textOrUndefined(text)?.replace(/^by\s+/i, '');
  return line ? line : undefined;
}

function textOrUndefined(text: string | null | undefined): string | undefined {
  const line = text ? normalizeLine(text) : '';
  return line === '' ? undefined : line;
}
