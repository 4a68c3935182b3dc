import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuTurn } from '../src/threads/cpu-turns.ts';

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // a synchronous step, as retrieval or a citation check is
  }
}

test('steps awaiting their turn run one per event-loop iteration, in order, with timers and I/O between them', async () => {
  const order: string[] = [];
  const steps = [1, 2, 3].map(async (n) => {
    await cpuTurn();
    order.push(`step ${n}`);
    busyFor(5);
  });
  setTimeout(() => order.push('timer'), 0);
  await Promise.all(steps);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(
    order.filter((o) => o.startsWith('step')),
    ['step 1', 'step 2', 'step 3'],
  );
  // Without turns the three steps would run back to back and the timer only after them.
  assert.ok(order.indexOf('timer') < order.indexOf('step 2'), order.join(', '));
});
