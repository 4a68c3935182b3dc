import type { ParsePool } from '../articles/parse-pool.ts';
import type { Embedder } from '../embeddings/embedder.ts';
import type { ChunkingOptions } from '../ingest/chunks.ts';
import type { Logger } from '../log.ts';
import { fetchMessages } from '../messages/network.ts';
import type { AddressPolicy } from '../net/address-policy.ts';
import { fetchSafely, type FetchFailure, type FetchOptions, type FetchResult, type Resolver } from '../net/safe-fetch.ts';
import type { FeedRecord } from '../store/catalog/feed-tables.ts';
import type { Library } from '../store/library.ts';
import { nextAttemptAfter } from './backoff.ts';
import type { PassBudget } from './budget.ts';
import { STORY_PAGE_TYPES } from './entry-article.ts';
import type { HostLimiter } from './host-limiter.ts';
import type { FeedSyncResult } from './sync-report.ts';

/*
 * The requests of one pass: through the network boundary, within the per-host limit and the
 * pass's budgets, counted into the feed's result; and a feed's failure recorded with its backoff.
 */

/** One request (redirects and body included) must finish within this. */
export const FEED_REQUEST_TIMEOUT_MS = 15_000;

export interface FeedSyncDeps {
  library: Library;
  /** Null when the model is unavailable: articles are stored keyword-searchable, embedded later. */
  embedder: Embedder | null;
  logger: Logger;
  pool?: ParsePool;
}

export interface FeedSyncOptions {
  policy: AddressPolicy;
  /** Largest feed or page accepted (MAX_FILE_MB). */
  maxBytes: number;
  chunking: ChunkingOptions;
  timeoutMs?: number;
  maxItems?: number;
  perHost?: number;
  /** The time the pass may take (default PASS_BUDGET_MS), and each feed's story pages (FEED_PAGES_BUDGET_MS). */
  passBudgetMs?: number;
  pageBudgetMs?: number;
  /** The clock (tests move it past a backoff). */
  now?: () => Date;
  /** Cancels the pass (shutdown): requests stop, nothing more is stored, no failure is recorded. */
  signal?: AbortSignal;
  resolve?: Resolver;
  /** Only these feeds (default: every followed feed). */
  feeds?: readonly FeedRecord[];
}

export interface PassContext {
  deps: FeedSyncDeps;
  options: FeedSyncOptions;
  pool: ParsePool;
  hosts: HostLimiter;
  budget: PassBudget;
  now: () => Date;
}

export interface FetchExtra {
  accept?: FetchOptions['accept'];
  signal?: AbortSignal;
  /** Asked once the request has its turn (within the host limit): a refusal is returned instead of asking. */
  gate?: () => FetchFailure | null;
  /** Sees the answer before the host's turn passes on (so the next request's gate knows of it). */
  settle?: (result: FetchResult) => FetchResult;
  /** The request's own limit, asked once it has its turn (default: the sync's). */
  timeoutMs?: (timeoutMs: number) => number;
}

export type Fetcher = (url: string, headers: Record<string, string>, extra?: FetchExtra) => Promise<FetchResult>;

/** Fetches through the network boundary, within the host limit, counting requests and bytes into `result`. */
export function countedFetch(result: FeedSyncResult, context: PassContext): Fetcher {
  const { options } = context;
  return (url, headers, extra = {}) => {
    const signal = extra.signal ?? context.budget.signal;
    return context.hosts.run(url, async () => {
      const refused = extra.gate?.();
      if (refused) return refused;
      if (signal.aborted) return { ok: false, kind: 'aborted', message: fetchMessages.aborted(url) };
      result.requests++;
      const timeoutMs = options.timeoutMs ?? FEED_REQUEST_TIMEOUT_MS;
      const fetched = await fetchSafely(url, {
        policy: options.policy,
        timeoutMs: extra.timeoutMs ? extra.timeoutMs(timeoutMs) : timeoutMs,
        maxBytes: options.maxBytes,
        headers,
        signal,
        ...(extra.accept ? { accept: extra.accept } : {}),
        ...(options.resolve ? { resolve: options.resolve } : {}),
      });
      if (fetched.ok) result.bytes += fetched.body.length;
      return extra.settle ? extra.settle(fetched) : fetched;
    });
  };
}

/**
 * Fetches one feed's story pages within the feed's page budget: a page is not asked once the
 * budget is spent, and one cut off by it says so; a host that stopped answering gets a short wait.
 */
export function pageFetcher(fetch: Fetcher, budget: PassBudget): (url: string, headers: Record<string, string>) => Promise<FetchResult> {
  const pages = budget.forFeedPages();
  return async (url, headers) => {
    const gate = () => budget.refusal(url, pages.spent());
    const settle = (fetched: FetchResult) => budget.answered(url, fetched, pages.spent());
    const timeoutMs = (ms: number) => budget.timeoutFor(url, ms);
    return fetch(url, headers, { accept: STORY_PAGE_TYPES, signal: pages.signal, gate, settle, timeoutMs });
  };
}

/** Records a feed's failure and when to try it again; a cancelled sync records nothing. */
export async function recordFeedFailure(
  feed: FeedRecord,
  result: FeedSyncResult,
  context: PassContext,
  now: Date,
  message: string,
  retryAfterSeconds?: number,
): Promise<FeedSyncResult> {
  if (context.options.signal?.aborted) return Object.assign(result, { status: 'failed', error: message });
  const failures = feed.consecutiveFailures + 1;
  const nextAttemptAt = nextAttemptAfter(now, failures, retryAfterSeconds).toISOString();
  await context.deps.library.write(async (writer) =>
    writer.feeds.recordFailure(feed.id, { at: now.toISOString(), message, consecutiveFailures: failures, nextAttemptAt }),
  );
  return Object.assign(result, { status: 'failed', error: message, consecutiveFailures: failures, nextAttemptAt });
}
