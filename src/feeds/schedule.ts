import type { FeedItemRecord } from '../store/catalog/feed-tables.ts';

/*
 * When the story page of an item already stored is asked again. Corrections come mostly in a
 * story's first hours and days, so the page is re-asked (conditionally: an unchanged page costs
 * a 304) after a twenty-fourth of the story's age: every pass in its first few hours, hourly at a
 * day old, every seven hours at a week, weekly from about half a year. Times stored by a clock
 * that was wrong at the time are read against now: a check or a publication "in the future" is
 * treated as never checked / just published, so the page is asked at once.
 */

/** The shortest wait between two checks of one page (a fresh story: about every poll). */
export const MIN_PAGE_RECHECK_MS = 10 * 60_000;
/** The longest wait (a story months old). */
export const MAX_PAGE_RECHECK_MS = 7 * 24 * 3600_000;
/** A story is re-asked after this share of its age. */
const RECHECK_SHARE_OF_AGE = 1 / 24;

/** How long after its last check the page of a story published at `publishedMs` is asked again. */
export function pageRecheckInterval(publishedMs: number | null, nowMs: number): number {
  const age = publishedMs === null ? 0 : Math.max(0, nowMs - publishedMs);
  return Math.min(MAX_PAGE_RECHECK_MS, Math.max(MIN_PAGE_RECHECK_MS, age * RECHECK_SHARE_OF_AGE));
}

/** Whether an item's page is due to be asked again at `now` (ISO). */
export function pageCheckDue(record: FeedItemRecord, now: string): boolean {
  const nowMs = Date.parse(now);
  const checked = record.pageCheckedAt === null ? Number.NaN : Date.parse(record.pageCheckedAt);
  if (Number.isNaN(checked) || checked > nowMs) return true;
  return nowMs - checked >= pageRecheckInterval(storyTime(record), nowMs);
}

/** When the item's story was published (else first seen), in milliseconds; null when unknown. */
function storyTime(record: FeedItemRecord): number | null {
  const published = Date.parse(record.publishedAt ?? record.firstSeenAt);
  return Number.isNaN(published) ? null : published;
}

/** A first-seen time after `now` was recorded by a clock running ahead: it is now. */
export function firstSeenAsOf(firstSeenAt: string | undefined, now: string): string {
  if (firstSeenAt === undefined) return now;
  const seen = Date.parse(firstSeenAt);
  return Number.isNaN(seen) || seen > Date.parse(now) ? now : firstSeenAt;
}
