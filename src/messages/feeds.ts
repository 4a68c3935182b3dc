import { count, describeWriter, formatInterval, formatMegabytes, formatSeconds, ordinal, truncate, utcTime } from './format.ts';

/** A feed subscription as messages name it. */
interface FeedName {
  id: number;
  url: string;
  title: string | null;
  collection: string;
}

/** “Harbour News” (https://…/rss.xml), or the address alone while the feed has no title. */
function feedLabel(feed: { url: string; title: string | null }): string {
  return feed.title ? `“${truncate(feed.title, 80)}” (${feed.url})` : feed.url;
}

/** “Headline”, or the item's address when it has no title. */
function itemLabel(item: { title?: string; link?: string; guid?: string }): string {
  return item.title ? `“${truncate(item.title, 80)}”` : (item.link ?? item.guid ?? 'an item');
}

function collectionWords(collection: string): string {
  return collection === 'shared' ? 'the newsroom-wide archive (shared)' : `collection ${collection}`;
}

/** What the feed reader says about a feed's document (parsed off the main thread). */
export const feedMessages = {
  notAFeed: (where: string) => `${where} is not a feed: it holds neither RSS, Atom nor JSON Feed`,
  htmlPage: (where: string, discovered: string | undefined) =>
    `${where} is a web page, not a feed (RSS, Atom or JSON Feed)` +
    (discovered
      ? `; the page names its feed at ${discovered}: follow that address instead`
      : '; give the address of the site’s RSS or Atom feed'),
  malformedXml: (where: string, line: number, detail: string) =>
    `${where} is not well-formed XML (line ${line}: ${truncate(detail, 120)}), so it cannot be read as a feed`,
  invalidJson: (where: string, detail: string) =>
    `${where} is not valid JSON (${truncate(detail, 120)}), so it cannot be read as a JSON Feed`,
  notAJsonFeed: (where: string) => `${where} is JSON, but not a JSON Feed (it needs "version" and "items")`,
} as const;

/** The feed subscriptions and syncs, in the CLI, the console, the logs and Discord. */
export const feedText = {
  feedsWhat: 'Say what to do with feeds: newsroom feeds add <url> [--collection ID] | list [--json] | remove <url|id> | sync [--json]',
  unknownAction: (action: string) => `Unknown feeds action "${action}": use add, list, remove or sync.`,
  addWhich: 'Give the address of the feed to follow: newsroom feeds add <url>',
  removeWhich: 'Name the feed to stop following, by its address or its number in `newsroom feeds list`: newsroom feeds remove <url|id>',
  optionNotFor: (option: string, action: string) => `${option} does not apply to newsroom feeds ${action}.`,
  alreadyFollowed: (feed: FeedName) =>
    `${feed.url} is already followed in ${collectionWords(feed.collection)}, as feed ${feed.id}${feed.title ? ` (“${truncate(feed.title, 80)}”)` : ''}. Nothing was added.`,
  added: (feed: FeedName, listed: number) =>
    `Following ${feedLabel(feed)} in ${collectionWords(feed.collection)} as feed ${feed.id}; it lists ${count(listed, 'story', 'stories')}.`,
  whenSynced: (pollSeconds: number | null) =>
    pollSeconds === null
      ? 'Its stories are added at the next `newsroom feeds sync`.'
      : `Its stories are added at the next sync (the bot checks every ${formatInterval(pollSeconds)}), or now with \`newsroom feeds sync\`.`,
  removed: (feed: FeedName, articles: number) =>
    `Stopped following ${feedLabel(feed)}. ` +
    (articles === 0
      ? 'It had brought in no articles.'
      : articles === 1
        ? 'The article it brought in stays in the archive; retract it with `newsroom forget <id>`.'
        : `The ${count(articles, 'article')} it brought in stay in the archive; retract one with \`newsroom forget <id>\`.`),
  notFound: (reference: string) => `No followed feed matches "${truncate(reference)}". List them with \`newsroom feeds list\`.`,
  ambiguous: (reference: string, feeds: readonly FeedName[]) =>
    `${reference} is followed in several collections; name the feed by its number:\n` +
    feeds.map((f) => `- ${f.id}: ${collectionWords(f.collection)}`).join('\n'),
  none: 'No feeds followed yet. Follow one with: npx newsroom feeds add <url>',
  neverSynced: 'not synced yet',
  lastSuccess: (at: string) => `last synced ${utcTime(at)}`,
  lastError: (at: string, message: string) => `last error ${utcTime(at)}: ${message}`,
  failingSince: (failures: number, nextAttempt: string | null) =>
    `${count(failures, 'failure')} in a row${nextAttempt ? `; next try after ${utcTime(nextAttempt)}` : ''}`,
  items: (n: number) => count(n, 'item'),
  alreadyRunning: (holder: { pid: number; host: string; since: string } | null) =>
    `A feed sync is already running (${describeWriter(holder)}), so this one did nothing.`,

  // A sync's report: one line per feed, its notices and failed items under it.
  synced: (feed: { url: string; title: string | null }, counts: string) => `✓ ${feedLabel(feed)}: ${counts}`,
  notModified: (feed: { url: string; title: string | null }) => `· ${feedLabel(feed)}: unchanged since the last sync`,
  failed: (feed: { url: string; title: string | null }, error: string, failures: number, nextAttempt: string | null) =>
    `✗ ${feedLabel(feed)}: ${error} — ${ordinal(failures)} failure in a row${nextAttempt ? `; next try after ${utcTime(nextAttempt)}` : ''}`,
  waiting: (feed: { url: string; title: string | null }, nextAttempt: string, failures: number, lastError: string | null) =>
    `✗ ${feedLabel(feed)}: not fetched; after ${count(failures, 'failure')} in a row it waits until ${utcTime(nextAttempt)}` +
    (lastError ? ` (last error: ${lastError})` : ''),
  counts: (c: {
    added: number;
    updated: number;
    unchanged: number;
    duplicates: number;
    failed: number;
    requests: number;
    bytes: number;
    seconds: number;
  }) =>
    `added ${c.added} · updated ${c.updated} · unchanged ${c.unchanged} · failed ${c.failed} · ` +
    (c.duplicates > 0 ? `${count(c.duplicates, 'duplicate')} · ` : '') +
    `${count(c.requests, 'request')} · ${formatMegabytes(c.bytes)} · ${c.seconds.toFixed(1)} s`,
  summary: (s: { synced: number; failed: number; added: number; updated: number; requests: number; bytes: number; seconds: number }) =>
    `feeds: ${s.synced} synced · ${s.failed} failed · added ${s.added} · updated ${s.updated} · ` +
    `${count(s.requests, 'request')} · ${formatMegabytes(s.bytes)} · ${s.seconds.toFixed(1)} s`,
  noFeedsToSync: 'No feeds followed, so there is nothing to sync.',
  unexpected: (detail: string) => `the sync failed unexpectedly (${truncate(detail, 120)}); the error was logged`,
  moreItemProblems: (n: number) => `… and ${n} more`,

  // Notices and item failures (under their feed's line).
  capped: (listed: number, kept: number) =>
    `the feed lists ${listed.toLocaleString('en-US')} items; only the newest ${kept.toLocaleString('en-US')} were read`,
  noIdentity: (item: { title?: string }) =>
    `${item.title ? `“${truncate(item.title, 80)}”` : 'an item'} has neither a link nor a guid, so it cannot be told apart from the others; skipped`,
  sameArticleTwice: (item: { title?: string; link?: string; guid?: string }, articleId: string) =>
    `${itemLabel(item)} leads to the same article (${articleId}) as an item before it; skipped`,
  oddDate: (item: { title?: string; link?: string; guid?: string }, value: string, used: string, from: 'page' | 'first-seen') =>
    `${itemLabel(item)}: the feed’s date "${truncate(value, 40)}" is not a date; ` +
    (from === 'page' ? `used the page’s (${used.slice(0, 10)})` : `dated when first seen (${used.slice(0, 10)})`),
  missingDate: (item: { title?: string; link?: string; guid?: string }, used: string, from: 'page' | 'first-seen') =>
    `${itemLabel(item)}: no date in the feed; ` +
    (from === 'page'
      ? `used the page’s (${used.slice(0, 10)})`
      : `none on its page either, so dated when first seen (${used.slice(0, 10)})`),
  pageUnavailable: (item: { title?: string; link?: string; guid?: string }, reason: string, kept: boolean) =>
    `${itemLabel(item)}: ${reason}; ${kept ? 'the stored copy is kept' : 'skipped until it can be read'}`,
  itemFailed: (item: { title?: string; link?: string; guid?: string }, reason: string, kept: boolean) =>
    `${itemLabel(item)}: ${reason}${kept ? '; the stored copy is kept' : ''}`,
  noText: (item: { title?: string; link?: string; guid?: string }) => `${itemLabel(item)} carries no text and no link to its page; skipped`,
  itemWhere: (item: { title?: string; link?: string; guid?: string }) => (item.link ? item.link : itemLabel(item)),
  noTitleHint: 'the feed item has no title and neither has its page',
  unusableLink: (item: { title?: string; guid?: string }, link: string) =>
    `${itemLabel(item)}: its link "${truncate(link, 80)}" is not a web page address (http or https), and the feed does not carry the story itself; not stored`,
  // A pass's time budgets (src/feeds/budget.ts): pages not read are failed items, retried next pass.
  pageBudgetSpent: (url: string, ms: number) =>
    `${url} was not read: this feed’s story pages had ${formatSeconds(ms)} in this sync, and the time ran out`,
  passBudgetSpent: (url: string, ms: number) =>
    `${url} was not read: the sync had ${formatSeconds(ms)} for every feed, and the time ran out`,
  passOutOfTime: (ms: number) =>
    `not synced: the sync’s ${formatSeconds(ms)} ran out before this feed’s turn; it goes first at the next sync`,
  partlySynced: (feed: { url: string; title: string | null }, counts: string) =>
    `! ${feedLabel(feed)}: ${counts}; the stories that failed are listed below and tried again at the next sync`,
  pagesRechecked: (feed: { url: string; title: string | null }, counts: string) =>
    `· ${feedLabel(feed)}: unchanged since the last sync; story pages due a check were asked again: ${counts}`,
  summaryPartly: (s: {
    synced: number;
    partial: number;
    failedItems: number;
    failed: number;
    added: number;
    updated: number;
    requests: number;
    bytes: number;
    seconds: number;
  }) =>
    `feeds: ${s.synced} synced · ${s.partial} synced with ${count(s.failedItems, 'story', 'stories')} failed · ${s.failed} failed · added ${s.added} · updated ${s.updated} · ` +
    `${count(s.requests, 'request')} · ${formatMegabytes(s.bytes)} · ${s.seconds.toFixed(1)} s`,
} as const;
