/*
 * Dates of stored stories as their versions come and go: an update keeps the first-published
 * date and records when the story changed; of two versions of one story, the newest is cited.
 */

/** The dates a version of a story carries (ISO 8601 dates or date-times). */
export interface VersionDates {
  published?: string | null | undefined;
  updated?: string | null | undefined;
}

/** Milliseconds since the epoch; a bare date is its UTC midnight. Null when absent or unreadable. */
export function instant(date: string | null | undefined): number | null {
  if (!date) return null;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T00:00:00Z` : date);
  return Number.isNaN(ms) ? null : ms;
}

/** True when both dates are known and `a` is strictly after `b`. */
export function isLater(a: string | null | undefined, b: string | null | undefined): boolean {
  const x = instant(a);
  const y = instant(b);
  return x !== null && y !== null && x > y;
}

/** The earlier of two dates (either may be missing): a story's first publication. */
export function earliest(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return isLater(a, b) ? b : a;
}

/** When a version was written: its updated date, else its publication date. */
export function versionDate(version: VersionDates): string | null {
  return version.updated ?? version.published ?? null;
}

/**
 * Of two versions of one story, whether the incoming one is the newer and should be cited.
 * Undated versions, and versions of the same moment, go to the incoming one: the last one read.
 */
export function incomingIsNewer(incoming: VersionDates, stored: VersionDates): boolean {
  return !isLater(versionDate(stored), versionDate(incoming));
}

/** `updated` for a story first stored: the source's own updated date when it is after publication. */
export function firstUpdated(version: VersionDates): string | null {
  const { published, updated } = version;
  if (!updated) return null;
  return published && !isLater(updated, published) ? null : updated;
}
