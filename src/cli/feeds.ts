import type { App } from '../app.ts';
import { UserError } from '../errors.ts';
import { effectiveNextAttempt } from '../feeds/backoff.ts';
import { fullySynced } from '../feeds/sync-report.ts';
import type { FeedSyncReport, FeedSyncResult } from '../feeds/sync.ts';
import { cliText } from '../messages/cli.ts';
import { feedText } from '../messages/feeds.ts';
import type { FeedRecord } from '../store/catalog/feed-tables.ts';
import { SHARED_COLLECTION } from '../store/types.ts';
import { defineCommand, JSON_OPTION } from './command.ts';
import { output, print, printJson, warn } from './context.ts';

const ACTIONS = ['add', 'list', 'remove', 'sync'] as const;
type Action = (typeof ACTIONS)[number];

/**
 * `newsroom feeds add|list|remove|sync`: the feeds the library follows. `sync` is one pass over
 * every feed, for cron: exit 0 when every feed synced, 1 when any failed (each on its own line on
 * stderr, naming the feed); a sync already running elsewhere makes it do nothing and exit 0.
 */
export const feedsCommand = defineCommand({
  name: 'feeds',
  summary: 'follow the newsroom’s feeds (RSS, Atom, JSON Feed): add, list, remove, sync',
  usage: [
    'feeds add <url> [--collection ID] [--json]',
    'feeds list [--collection ID] [--json]',
    'feeds remove <url|id> [--collection ID] [--json]',
    'feeds sync [--json]',
  ],
  options: {
    collection: {
      type: 'string',
      value: 'ID',
      description: 'add: the collection its stories go to (default: shared); list, remove: only that collection',
    },
    json: JSON_OPTION,
  },
  maxArguments: 2,
  notes: [
    'add fetches the feed once to check it and read its title; its stories come in with the next sync.',
    'remove keeps the articles the feed brought in (retract one with `newsroom forget`).',
    'sync prints a line per feed; a feed that failed, or whose stories did not all come in, gets its line on stderr. Exit status 1 when any failed.',
    'The running bot and the console sync every FEED_POLL_SECONDS (600 by default); a sync never runs twice at once.',
  ],
  run: async (ctx, { values, positionals }) => {
    const [action, target, ...extra] = positionals;
    if (action === undefined) throw new UserError(feedText.feedsWhat);
    if (!(ACTIONS as readonly string[]).includes(action)) throw new UserError(feedText.unknownAction(action));
    const act = action as Action;
    if (act === 'sync' && values.collection !== undefined) throw new UserError(feedText.optionNotFor('--collection', act));
    if ((act === 'list' || act === 'sync') && target !== undefined)
      throw new UserError(cliText.tooManyArguments(`feeds ${act}`, 0, [target, ...extra]));
    // Listing and unfollowing read and change only the feed tables: no model.
    const app = await ctx.app(act === 'list' || act === 'remove' ? 'none' : 'load');
    const { findFeed, followFeed, unfollowFeed } = await import('../feeds/subscriptions.ts');
    switch (act) {
      case 'add': {
        if (target === undefined) throw new UserError(feedText.addWhich);
        const { feed, document } = await followFeed(app, target, values.collection ?? SHARED_COLLECTION);
        if (values.json) printJson({ added: { ...feedJson(feed), listed: document.total } });
        else print(`${feedText.added(feed, document.total)}\n${feedText.whenSynced(app.config.feeds.pollSeconds)}`);
        return 0;
      }
      case 'list': {
        const feeds = app.library.catalog.feeds.list(values.collection === undefined ? undefined : [values.collection]);
        if (values.json) printJson({ feeds: feeds.map(feedJson) });
        else print(feeds.length === 0 ? feedText.none : feeds.map(listEntry).join('\n'));
        return 0;
      }
      case 'remove': {
        if (target === undefined) throw new UserError(feedText.removeWhich);
        const feed = findFeed(app, target, values.collection === undefined ? undefined : [values.collection]);
        await unfollowFeed(app, feed);
        if (values.json) printJson({ removed: { ...feedJson(feed), articlesKept: feed.items } });
        else print(feedText.removed(feed, feed.items));
        return 0;
      }
      case 'sync':
        return sync(app, values.json);
    }
  },
});

async function sync(app: App, json: boolean): Promise<number> {
  if (app.library.catalog.feeds.list().length === 0) {
    if (json) printJson(syncJson(emptyReport()));
    else print(feedText.noFeedsToSync);
    return 0;
  }
  if (app.embedderProblem) warn(`${app.embedderProblem}\n${cliText.embedLater}`);
  const { runFeedSync } = await import('../feeds/run-sync.ts');
  const run = await runFeedSync(app);
  if (!run.ran) {
    if (json) printJson({ ran: false, holder: run.holder });
    else output().stderr.write(`${feedText.alreadyRunning(run.holder)}\n`);
    return 0;
  }
  const { report } = run;
  for (const feed of report.feeds) {
    if (!fullySynced(feed)) output().stderr.write(`${resultLine(feed)}\n`);
    else if (!json) print(resultLine(feed));
    if (!json) for (const line of details(feed)) print(`  ${line}`);
  }
  if (json) printJson(syncJson(report));
  else print(report.partial > 0 ? feedText.summaryPartly(report) : feedText.summary(report));
  return report.failed > 0 || report.partial > 0 ? 1 : 0;
}

/** The feed's line in a sync report: ✓ synced, · unchanged, ✗ failed or still waiting after failures. */
export function resultLine(feed: FeedSyncResult): string {
  switch (feed.status) {
    case 'synced':
      return feed.failed > 0 ? feedText.partlySynced(feed, feedText.counts(feed)) : feedText.synced(feed, feedText.counts(feed));
    case 'not_modified':
      // Story pages due a check were asked again although the feed had not changed.
      return feed.requests > 1 ? feedText.pagesRechecked(feed, feedText.counts(feed)) : feedText.notModified(feed);
    case 'failed':
      return feedText.failed(feed, feed.error ?? '', feed.consecutiveFailures, feed.nextAttemptAt);
    case 'waiting':
      return feedText.waiting(feed, feed.nextAttemptAt ?? '', feed.consecutiveFailures, feed.error);
  }
}

/** Notices ("!") and items that failed ("✗") under a feed's line. */
function details(feed: FeedSyncResult): string[] {
  return [...feed.notices.map((n) => `! ${n}`), ...feed.itemFailures.map((f) => `✗ ${f}`)];
}

function listEntry(feed: FeedRecord): string {
  const status = [
    feed.collection,
    feedText.items(feed.items),
    feed.lastSuccessAt ? feedText.lastSuccess(feed.lastSuccessAt) : feedText.neverSynced,
  ].join(' · ');
  const lines = [`${String(feed.id).padStart(3)}  ${feed.title ?? feed.url}${feed.title ? `  ${feed.url}` : ''}`, `     ${status}`];
  if (feed.lastErrorAt && feed.lastError) {
    const next = effectiveNextAttempt(feed, new Date())?.toISOString() ?? null;
    const failing = feed.consecutiveFailures > 0 ? ` — ${feedText.failingSince(feed.consecutiveFailures, next)}` : '';
    lines.push(`     ${feedText.lastError(feed.lastErrorAt, feed.lastError)}${failing}`);
  }
  return lines.join('\n');
}

/** A feed in `feeds list --json` (and under add and remove). */
function feedJson(feed: FeedRecord) {
  return {
    id: feed.id,
    url: feed.url,
    title: feed.title,
    collection: feed.collection,
    items: feed.items,
    addedAt: feed.addedAt,
    lastSuccessAt: feed.lastSuccessAt,
    lastError: feed.lastErrorAt && feed.lastError ? { at: feed.lastErrorAt, message: feed.lastError } : null,
    consecutiveFailures: feed.consecutiveFailures,
    nextAttemptAt: feed.nextAttemptAt,
  };
}

function syncJson(report: FeedSyncReport) {
  const { feeds, ...totals } = report;
  return {
    ran: true,
    ...totals,
    seconds: Number(report.seconds.toFixed(3)),
    feeds: feeds.map((f) => ({ ...f, seconds: Number(f.seconds.toFixed(3)) })),
  };
}

function emptyReport(): FeedSyncReport {
  return {
    feeds: [],
    synced: 0,
    failed: 0,
    partial: 0,
    failedItems: 0,
    added: 0,
    updated: 0,
    unchanged: 0,
    duplicates: 0,
    requests: 0,
    bytes: 0,
    seconds: 0,
  };
}
