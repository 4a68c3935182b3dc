/** A news article as read from a file, a CMS export, an attachment or a URL. */
export interface Article {
  /** Stable id: the explicit id of the source if it has one, else derived from the source. */
  id: string;
  title: string;
  /** Plain text; paragraphs separated by a blank line. Chunk offsets index into this string. */
  body: string;
  url?: string;
  /** ISO 8601 date or date-time, as published. */
  published?: string;
  /**
   * ISO 8601 date or date-time of the source's last update or correction, when it says
   * (front matter / JSON `updated`, `updated_at`, `modified`, `dateModified`; HTML
   * `article:modified_time`; a feed item's updated date).
   */
  updated?: string;
  byline?: string;
  section?: string;
  tags: string[];
  /** Where it came from: an absolute file path (plus `#n` for one record of a JSON/JSONL file) or a URL. */
  source: string;
  /** sha256 hex of the fields that matter for retrieval (title, body, metadata). */
  contentHash: string;
}

/** One item a loader produced: an article, or a clear reason the item could not be read. */
export type LoadResult = { ok: true; article: Article } | { ok: false; source: string; error: string };
