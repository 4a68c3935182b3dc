import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../errors.ts';
import { parseFeedDocument } from './feed/document.ts';
import { loadMessages as messages } from '../messages/articles.ts';
import type { ParseReply, ParseRequest } from './parse-pool.ts';
import { parseNamedResults } from './parse.ts';
import { yieldCpuToMainThread } from '../threads/thread-priority.ts';
import { failure } from './validate.ts';

/*
 * A worker thread of ParsePool: parses one file's bytes at a time and answers with its results.
 * Everything runs here, off the bot's main thread, so a hostile file can only stall this worker,
 * which the pool stops at its time limit.
 */

if (!parentPort) throw new Error('parse-worker.ts runs as a worker thread started by ParsePool');
const port = parentPort;

yieldCpuToMainThread();

function parseArticle(request: Extract<ParseRequest, { task: 'article' }>): ParseReply {
  const { id, name, data, source, options } = request;
  try {
    return { kind: 'parsed', id, results: parseNamedResults(name, data, source, options) };
  } catch (error) {
    // The parsers return failures for bad input; what still throws (a library's stack overflow
    // on a pathological file) is refused the same way, for this file only.
    return { kind: 'parsed', id, results: [{ result: failure(source, messages.parseFailed(name, errorMessage(error))), where: name }] };
  }
}

async function parseFeed(request: Extract<ParseRequest, { task: 'feed' }>): Promise<ParseReply> {
  const { id, name, data, options } = request;
  try {
    return { kind: 'feed', id, result: await parseFeedDocument(name, data, options) };
  } catch (error) {
    return { kind: 'feed', id, result: { ok: false, error: messages.parseFailed(name, errorMessage(error)) } };
  }
}

// Replies go back in the order requests came (the pool matches each reply to its oldest job),
// so a feed, parsed asynchronously, holds back the requests queued behind it.
let previous: Promise<void> = Promise.resolve();
port.on('message', (request: ParseRequest) => {
  previous = previous.then(async () => {
    port.postMessage(request.task === 'feed' ? await parseFeed(request) : parseArticle(request));
  });
});

port.postMessage({ kind: 'ready' } satisfies ParseReply);
