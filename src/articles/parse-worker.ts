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
