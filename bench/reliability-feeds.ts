/**
 * Story pages that never answer (rows of `npm run bench:reliability`): a feed of teasers whose
 * story pages accept the request and never reply, synced by the real CLI (`newsroom feeds sync`,
 * default limits) against the stand-in site; then the pages answer again and the next pass must
 * bring the stories in. Reports the pass time, what the sync said and its exit status.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startNewsroomSite } from '../test/fakes/newsroom-site.ts';

export interface FeedRow {
  scenario: string;
  done: string;
  happened: string;
  lost: string;
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** The real CLI in a child process, asynchronously (the stand-in site answers from this process). */
function newsroom(root: string, dataDir: string, argv: string[]): Promise<CliRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli.ts'), ...argv], {
      cwd: root,
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        FETCH_ALLOWED_HOSTS: '127.0.0.1',
        MODELS_DIR: path.join(root, 'test/fixtures/models'),
        EMBEDDING_MODEL: 'newsroom/tiny-bert',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 }));
  });
}

interface SyncJson {
  failedItems: number;
  added: number;
  requests: number;
  feeds: { itemFailures: string[] }[];
}

/** One feed of `stuck` teasers whose pages never answer and one that does; two passes. */
async function hangingFeed(root: string, dataDir: string, stuck: number): Promise<FeedRow> {
  const site = await startNewsroomSite();
  try {
    site.publish({ slug: 'fine', title: 'A page that answers', paragraphs: ['The ferry timetable is unchanged this week.'] });
    for (let i = 0; i < stuck; i++)
      site.publish({ slug: `stuck-${i}`, title: `Stuck story ${i}`, paragraphs: [`Story ${i} never loads.`], pageHangs: true });
    const added = await newsroom(root, dataDir, ['feeds', 'add', site.url('/rss.xml')]);
    if (added.code !== 0) throw new Error(added.stderr);
    site.takeRequests();
    const first = await newsroom(root, dataDir, ['feeds', 'sync', '--json']);
    const report = JSON.parse(first.stdout) as SyncJson;
    const asked = site.takeRequests().filter((r) => r.path.startsWith('/stories/stuck-')).length;
    const within = (seconds: number) =>
      report.feeds[0]?.itemFailures.filter((f) => f.includes(`did not answer within ${seconds} seconds`)).length ?? 0;
    const line = (await newsroom(root, dataDir, ['feeds', 'list'])).stdout.split('\n')[1]?.trim() ?? '';

    for (let i = 0; i < stuck; i++) site.correct(`stuck-${i}`, { pageHangs: false });
    const second = await newsroom(root, dataDir, ['feeds', 'sync', '--json']);
    const retried = JSON.parse(second.stdout) as SyncJson;
    const feedStatus = site.requests.find((r) => r.path === '/rss.xml')?.status;
    return {
      scenario: `story pages that never answer (${stuck} of ${stuck + 1})`,
      done: `newsroom feeds sync with the defaults (15 s a request, 60 s for a feed's pages, 5 min a pass); then the pages answer again and it runs once more`,
      happened:
        `pass ${first.seconds.toFixed(1)} s, exit ${first.code}: ${report.added} added (the page that answers${report.added === 1 ? '' : ', listed last, not reached'}), ${report.failedItems} stories failed ` +
        `(${asked} stuck pages asked: ${within(15)} waited for 15 s, ${within(3)} for 3 s once the host had stopped answering; ` +
        `${report.failedItems - within(15) - within(3)} not read when the feed's 60 s ran out); feeds list: "${line}". ` +
        `Next pass ${second.seconds.toFixed(1)} s, exit ${second.code}: the feed read whole (${feedStatus}), ${retried.added} added, ${retried.failedItems} failed`,
      lost: report.added + retried.added === stuck + 1 ? '0' : `${stuck + 1 - report.added - retried.added} stories never came in`,
    };
  } finally {
    await site.close();
  }
}

export async function hangingPages(root: string, work: (name: string) => string): Promise<FeedRow[]> {
  // 199 and the one that answers: the 200 items a sync reads of a feed (MAX_ITEMS_PER_FEED).
  return [await hangingFeed(root, work('hanging-10'), 10), await hangingFeed(root, work('hanging-200'), 199)];
}
