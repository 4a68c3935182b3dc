import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `probe` until it returns something truthy, and returns that; fails after `timeoutMs`. */
export async function waitUntil<T>(probe: () => T | undefined | null | false, timeoutMs = 30_000, what = 'the condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(15);
  }
}
