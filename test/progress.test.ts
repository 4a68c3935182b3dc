import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, formatDuration, Progress } from '../src/cli/progress.ts';

/** A stderr stand-in that records what was written, and a clock the test moves by hand. */
function setup(isTTY: boolean) {
  const written: string[] = [];
  let now = 0;
  const stream = { isTTY, columns: 100, write: (text: string) => written.push(text) };
  return { written, stream, clock: () => now, advance: (ms: number) => (now += ms) };
}

test('off a terminal: a plain line at each tenth of the work (a second apart at least) and a closing line', () => {
  const { written, stream, clock, advance } = setup(false);
  const progress = new Progress({ label: 'embedding', total: 1000, unit: 'chunks', stream, now: clock });
  for (let done = 50; done <= 1000; done += 50) {
    advance(1000);
    progress.update(done);
  }
  progress.finish();
  const lines = written.join('').split('\n').filter(Boolean);
  assert.ok(
    written.every((text) => !text.includes('\r')),
    'no carriage returns in a log',
  );
  assert.equal(lines[0], 'embedding: 100/1,000 chunks (10%) · 50.0/s · ETA 0:18');
  assert.equal(lines.length, 10, lines.join('\n'));
  assert.equal(lines.at(-2), 'embedding: 900/1,000 chunks (90%) · 50.0/s · ETA 0:02');
  assert.equal(lines.at(-1), 'embedding: 1,000 chunks in 20.0 s');
});

test('off a terminal: fast work prints only its closing line; slow work without a total prints one line per interval', () => {
  const fast = setup(false);
  const quick = new Progress({ label: 'ingesting', total: 11, unit: 'files', stream: fast.stream, now: fast.clock });
  for (let done = 1; done <= 11; done++) {
    fast.advance(20);
    quick.update(done, `article-${done}.md`);
  }
  quick.finish();
  assert.deepEqual(fast.written, ['ingesting: 11 files in 0.2 s\n']);

  const slow = setup(false);
  const open = new Progress({ label: 'downloading', unit: 'bytes', stream: slow.stream, now: slow.clock, lineIntervalMs: 10_000 });
  for (let second = 1; second <= 25; second++) {
    slow.advance(1000);
    open.update(second * 2 * 1024 * 1024);
  }
  open.finish();
  assert.deepEqual(slow.written, [
    'downloading: 20.0 MB · 2.0 MB/s\n',
    'downloading: 40.0 MB · 2.0 MB/s\n',
    'downloading: 50.0 MB in 25.0 s\n',
  ]);
});

test('on a terminal: one bar redrawn in place with counts, percentage, rate and ETA, cleared at the end', () => {
  const { written, stream, clock, advance } = setup(true);
  const progress = new Progress({ label: 'embedding', total: 400, unit: 'chunks', stream, now: clock });
  advance(2000);
  progress.update(100, 'harbour.md');
  advance(60);
  progress.update(110); // within 100 ms of the last draw: not redrawn
  advance(2000);
  progress.update(300);
  assert.equal(written.length, 2);
  const [first] = written;
  assert.ok(first?.startsWith('\r'));
  assert.match(first ?? '', /^\rembedding █{6}░{18} {2}25% · 100\/400 chunks · 50\.0\/s · ETA 0:06 {2}harbour\.md +$/);
  assert.equal((first ?? '').length, 1 + 99, 'padded to the terminal width, less one column');
  assert.match(written[1] ?? '', /75% · 300\/400 chunks · 73\.9\/s · ETA 0:01/);
  progress.finish();
  assert.equal(written[2], `\r${' '.repeat(99)}\r`);
  assert.equal(written[3], 'embedding: 300 of 400 chunks in 4.1 s\n');
});

test('a long detail is cut to the terminal width', () => {
  const { written, stream, clock } = setup(true);
  const progress = new Progress({ label: 'ingesting', total: 2, unit: 'files', stream: { ...stream, columns: 40 }, now: clock });
  progress.update(1, 'a/very/long/path/to/some/article/that/does/not/fit.md');
  assert.equal(written[0]?.length, 1 + 39);
  assert.ok(written[0]?.endsWith('…'));
});

test('durations and sizes read as people write them', () => {
  assert.equal(formatDuration(5), '0:05');
  assert.equal(formatDuration(75), '1:15');
  assert.equal(formatDuration(3725), '1:02:05');
  assert.equal(formatBytes(1500), '2 KB');
  assert.equal(formatBytes(130 * 1024 * 1024), '130.0 MB');
  assert.equal(formatBytes(1.2 * 1024 ** 3), '1.20 GB');
});
