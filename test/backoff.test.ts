import assert from 'node:assert/strict';
import { test } from 'node:test';
import { doublingDelay, withJitter } from '../src/backoff.ts';
import { Backoff } from '../src/embeddings/retry.ts';
import { nextAttemptAfter } from '../src/feeds/backoff.ts';
import { backoffMs } from '../src/llm/retry.ts';

test('one doubling backoff: first, twice, four times… up to the cap; jitter keeps between half and all of it', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map((n) => doublingDelay(n, 60, 600)),
    [60, 120, 240, 480, 600, 600],
  );
  assert.equal(
    withJitter(1000, () => 0),
    500,
  );
  assert.equal(
    withJitter(1000, () => 1),
    1000,
  );
  // Its three users wait the same doubling steps.
  assert.deepEqual(
    [1, 2, 3].map((n) => backoffMs(n, 500, () => 1)),
    [500, 1000, 2000],
  );
  const now = new Date('2026-03-01T00:00:00Z');
  assert.deepEqual(
    [1, 2, 3].map((n) => (nextAttemptAfter(now, n).getTime() - now.getTime()) / 1000),
    [60, 120, 240],
  );
});

test("the model's background retry waits first, then twice as long after each failure, up to its cap", async () => {
  const waits: number[] = [];
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const backoff = new Backoff(
    async () => {
      if (waits.length < 4) throw new Error('hub down');
      done();
      return true;
    },
    { firstDelayMs: 1, maxDelayMs: 6 },
    (_error, next) => waits.push(next),
  );
  backoff.start();
  await finished;
  assert.deepEqual(waits, [2, 4, 6, 6]);
  assert.equal(backoff.attempts, 5);
  backoff.stop();
});
