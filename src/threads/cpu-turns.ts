/*
 * Turns for the main thread's CPU-heavy steps. Answering runs a few synchronous steps of
 * milliseconds each (retrieval, judging relevance, checking the model's citations). With fifty
 * questions at once those steps would run back to back and hold back what must be quick:
 * acknowledging a new Discord interaction (Discord allows 3 seconds), the next gateway event,
 * /metrics. A step that awaits its turn first runs one per event-loop iteration, with the waiting
 * I/O handled between two steps.
 */

const waiting: (() => void)[] = [];
let releasing = false;

/** Resolves when this step may run: at once when nothing else waits, else after the steps before it, one per event-loop iteration. */
export function cpuTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!releasing) {
      releasing = true;
      setImmediate(releaseOne);
    }
  });
}

function releaseOne(): void {
  // The step runs in the microtasks right after this callback; the next one is released in the next
  // iteration (an immediate queued while immediates run waits for the poll phase, where I/O is handled).
  waiting.shift()?.();
  if (waiting.length > 0) setImmediate(releaseOne);
  else releasing = false;
}
