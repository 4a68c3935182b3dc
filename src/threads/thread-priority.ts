import { readlinkSync } from 'node:fs';
import os from 'node:os';

/** Nice value of a background worker thread: on a busy machine the main thread, which answers, gets the CPU first. */
const BACKGROUND_NICE = 10;

/** Lowers the calling thread's CPU priority where the OS allows it per thread (Linux); elsewhere it runs at normal priority. */
export function yieldCpuToMainThread(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, BACKGROUND_NICE);
  } catch {
    // No /proc/thread-self (not Linux), or not allowed: the work runs at normal priority.
  }
}
