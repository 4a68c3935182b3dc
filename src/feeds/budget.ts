import { feedText } from '../messages/feeds.ts';
import type { FetchFailure, FetchResult } from '../net/safe-fetch.ts';

/*
 * How long a sync may take. Every request already has its own limit (15 s), but a feed of 200
 * teasers whose pages never answer would still hold a pass for 25 minutes, two pages at a time.
 * So a pass has a budget, each feed's story pages have one, and once a host has left story pages
 * unanswered twice in a row (or its first page, before any answered) its other pages get a short
 * wait (PROBE_TIMEOUT_MS) until one answers again: its good pages still come in, its stuck ones
 * cost seconds, not quarter-minutes. Pages not
 * read for any of these reasons are failed items of their feed: reported, their stored copies
 * kept, and the feed read whole again at the next pass so that they are retried.
 */

/** A whole pass over the feeds: feeds not started by then wait for the next pass (and go first). */
export const PASS_BUDGET_MS = 5 * 60_000;
/** The story pages of one feed in one pass. */
export const FEED_PAGES_BUDGET_MS = 60_000;
/** Story pages of one host that time out in a row before its other pages get PROBE_TIMEOUT_MS (one, before any answered). */
export const HOST_TIMEOUTS_TO_PROBE = 2;
/** The wait for a page of a host that has stopped answering (a page that answers at all answers within it). */
export const PROBE_TIMEOUT_MS = 3_000;

export type BudgetSpent = 'pass' | 'feed' | null;

/** The pass's clock: its deadline, and each feed's deadline for its story pages. */
export class PassBudget {
  /** Aborted at the pass's deadline or on shutdown. */
  readonly signal: AbortSignal;
  readonly passMs: number;
  readonly pageMs: number;
  private readonly shutdown: AbortSignal | undefined;
  private readonly deadline: AbortSignal;
  private readonly timeouts = new Map<string, number>();
  private readonly answering = new Set<string>();

  constructor(options: { passMs: number; pageMs: number; shutdown: AbortSignal | undefined }) {
    this.passMs = options.passMs;
    this.pageMs = options.pageMs;
    this.shutdown = options.shutdown;
    this.deadline = AbortSignal.timeout(options.passMs);
    this.signal = options.shutdown ? AbortSignal.any([options.shutdown, this.deadline]) : this.deadline;
  }

  /** The pass ran out of time (not: it was cancelled). */
  get passSpent(): boolean {
    return this.deadline.aborted && !this.shutdown?.aborted;
  }

  /** A signal for one feed's story pages: aborted at its own deadline, the pass's, or on shutdown. */
  forFeedPages(): { signal: AbortSignal; spent: () => BudgetSpent } {
    const own = AbortSignal.timeout(this.pageMs);
    const signal = AbortSignal.any([this.signal, own]);
    const spent = (): BudgetSpent => (this.shutdown?.aborted ? null : this.deadline.aborted ? 'pass' : own.aborted ? 'feed' : null);
    return { signal, spent };
  }

  /** Why a story page is not asked now: a budget spent. */
  refusal(url: string, spent: BudgetSpent): FetchFailure | null {
    return spent === null ? null : this.spentFailure(url, spent);
  }

  /** The wait for a story page: `timeoutMs`, or PROBE_TIMEOUT_MS (when shorter) once its host stopped answering. */
  timeoutFor(url: string, timeoutMs: number): number {
    const host = hostOf(url);
    const timeouts = this.timeouts.get(host) ?? 0;
    const stopped = timeouts >= HOST_TIMEOUTS_TO_PROBE || (timeouts > 0 && !this.answering.has(host));
    return stopped ? Math.min(timeoutMs, PROBE_TIMEOUT_MS) : timeoutMs;
  }

  /** Notes how a story page answered; a page cut off by a spent budget is reported as that. */
  answered(url: string, result: FetchResult, spent: BudgetSpent): FetchResult {
    const host = hostOf(url);
    if (result.ok) {
      this.timeouts.delete(host);
      this.answering.add(host);
    } else if (result.kind === 'timeout') this.timeouts.set(host, (this.timeouts.get(host) ?? 0) + 1);
    else if (result.kind === 'aborted' && spent !== null) return this.spentFailure(url, spent);
    return result;
  }

  private spentFailure(url: string, spent: 'pass' | 'feed'): FetchFailure {
    const message = spent === 'pass' ? feedText.passBudgetSpent(url, this.passMs) : feedText.pageBudgetSpent(url, this.pageMs);
    return { ok: false, kind: 'aborted', message };
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
