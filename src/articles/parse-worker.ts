import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../errors.ts';
import { loadMessages as messages } from '../messages.ts';
import type { ParseReply, ParseRequest } from './parse-pool.ts';
import { parseNamedResults } from './parse.ts';
import { failure } from './validate.ts';

/*
 * A worker thread of ParsePool: parses one file's bytes at a time and answers with its results.
 * Everything runs here, off the bot's main thread, so a hostile file can only stall this worker,
 * which the pool stops at its time limit.
 */

if (!parentPort) throw new Error('parse-worker.ts runs as a worker thread started by ParsePool');
const port = parentPort;

/** Nice value of a parse thread: on a busy machine the main thread, which acknowledges interactions, gets the CPU first. */
const PARSE_THREAD_NICE = 10;

/** Lowers this thread's CPU priority where the OS allows it per thread (Linux); elsewhere parsing runs at normal priority. */
function yieldCpuToMainThread(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, PARSE_THREAD_NICE);
  } catch {
    // No /proc/thread-self (not Linux): the time limit still bounds what a hostile file costs.
  }
}

yieldCpuToMainThread();

port.on('message', ({ id, name, data, source, options }: ParseRequest) => {
  let reply: ParseReply;
  try {
    reply = { kind: 'parsed', id, results: parseNamedResults(name, data, source, options) };
  } catch (error) {
    // The parsers return failures for bad input; what still throws (a library's stack overflow
    // on a pathological file) is refused the same way, for this file only.
    reply = { kind: 'parsed', id, results: [{ result: failure(source, messages.parseFailed(name, errorMessage(error))), where: name }] };
  }
  port.postMessage(reply);
});

port.postMessage({ kind: 'ready' } satisfies ParseReply);
