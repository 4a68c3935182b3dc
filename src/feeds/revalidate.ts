import type { FeedRecord } from '../store/catalog/feed-tables.ts';
import { storedEntry } from './entry-article.ts';
import { pageCheckDue } from './schedule.ts';
import { storeEntries, type EntryTally, type StoreEntriesContext } from './store-entries.ts';
import type { FeedEntry } from '../articles/feed/types.ts';

/*
 * A feed that answers 304 has not changed, but the pages of its stories may have: a correction is
 * often made on the story page alone (same guid, same date, nothing in the feed moves). So the
 * stored items the feed still lists whose pages are due a check (schedule.ts) are resolved again
 * from the entries kept for them, through the same path as a feed read whole: each page asked
 * conditionally (a 304 costs nothing), a changed one stored as an update.
 */

/** Re-asks the due story pages of a feed that answered 304, counting into `tally`; stores their item records. */
export async function revalidatePages(feed: FeedRecord, tally: EntryTally, context: StoreEntriesContext): Promise<void> {
  const now = context.now.toISOString();
  const entries: FeedEntry[] = [];
  for (const record of context.library.catalog.feeds.items(feed.id).values()) {
    if (!record.inFeed || !pageCheckDue(record, now)) continue;
    const entry = storedEntry(record);
    if (entry) entries.push({ ...entry, position: entries.length });
  }
  if (entries.length === 0) return;
  const { records } = await storeEntries(feed, entries, tally, context);
  if (context.signal?.aborted || records.length === 0) return;
  await context.library.write(async (writer) => writer.feeds.putItems(feed.id, records));
}
