import type { Result } from '../../result.ts';

/** Which kind of document a feed turned out to be. */
export type FeedFormat = 'rss' | 'atom' | 'rdf' | 'json';

/**
 * One entry of a feed, with the fields the bot uses, as the feed wrote them (dates unparsed, so
 * an odd one can be reported). HTML stays HTML: it becomes text through the article HTML loader.
 */
export interface FeedEntry {
  /** Position in the feed, 0 first. */
  position: number;
  guid?: string;
  /** The story's page: an http(s) address, relative ones resolved against the feed's. */
  link?: string;
  /** The link the feed gave when it is no web page address (javascript:, mailto:, ftp:, one that cannot be resolved). */
  unusableLink?: string;
  title?: string;
  author?: string;
  /** The date the feed gives for first publication (pubDate, published, date_published, dc:date). */
  published?: string;
  /** The date the feed gives for the last change (Atom updated, date_modified, dcterms:modified). */
  updated?: string;
  /** The story as HTML (content:encoded, Atom content, content_html), or plain text (content_text) escaped as HTML. */
  contentHtml?: string;
  /** The teaser (description, summary). */
  summaryHtml?: string;
  categories: string[];
  /** Whether `contentHtml` (or, without it, the summary) holds the whole story rather than a teaser. */
  fullText: boolean;
}

/** A parsed feed: its title and its newest entries (at most the cap given to the parser). */
export interface FeedDocument {
  format: FeedFormat;
  title?: string;
  /** The site the feed belongs to. */
  link?: string;
  entries: FeedEntry[];
  /** Entries the feed listed, before the cap. */
  total: number;
}

export type FeedParseResult = Result<FeedDocument>;

export interface FeedParseOptions {
  /** Entries kept, newest first by date (undated ones after the dated, in feed order). */
  maxEntries: number;
  /** The response's Content-Type, for its character set. */
  contentType?: string;
  /** The feed's address: relative links resolve against it. */
  baseUrl?: string;
}
