import type { AnyFeed } from 'feedsmith';
import { absoluteUrl, line, stripTags, textAsHtml } from './text.ts';

/*
 * Each feed format's own fields (content:encoded, dc:creator, Atom's published beside updated,
 * JSON Feed's content_text) mapped onto one shape, before cleaning.
 */

/** What one format's entry offers, before cleaning (any field may be missing). */
export interface Fields {
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

/** A feed's own title and site link, and its entries' fields. */
export interface FormatFields {
  title: string | undefined;
  link: string | undefined;
  entries: Fields[];
}

type FeedOf<F extends AnyFeed['format']> = Extract<AnyFeed, { format: F }>['feed'];

export function formatFields(parsed: AnyFeed): FormatFields {
  switch (parsed.format) {
    case 'rss':
      return rssFields(parsed.feed);
    case 'rdf':
      return rdfFields(parsed.feed);
    case 'atom':
      return atomFields(parsed.feed);
    case 'json':
      return jsonFeedFields(parsed.feed);
  }
}

function rssFields(feed: FeedOf<'rss'>): FormatFields {
  const entries = (feed.items ?? []).map((item): Fields => {
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
  return { title: feed.title, link: feed.link, entries };
}

function rdfFields(feed: FeedOf<'rdf'>): FormatFields {
  const entries = (feed.items ?? []).map((item): Fields => ({
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
  return { title: feed.title, link: feed.link, entries };
}

function atomFields(feed: FeedOf<'atom'>): FormatFields {
  const feedAuthor = personName(feed.authors?.[0]);
  const entries = (feed.entries ?? []).map((entry): Fields => ({
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
  return { title: textOf(feed.title), link: alternateLink(feed.links), entries };
}

function jsonFeedFields(feed: FeedOf<'json'>): FormatFields {
  const feedAuthor = feed.authors?.[0]?.name;
  const entries = (feed.items ?? []).map((item): Fields => ({
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
  return { title: feed.title, link: feed.home_page_url, entries };
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
