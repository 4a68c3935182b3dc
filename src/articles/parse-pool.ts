import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { loadMessages as messages } from '../messages/articles.ts';
import type { FeedParseOptions, FeedParseResult } from './feed/types.ts';
import type { NamedResult, ParseOptions } from './file-formats.ts';
import { failure } from './validate.ts';
import { spawnWorker, workerStartupLimitMs } from '../threads/start-worker.ts';

/*
 * Parsing untrusted bytes (HTML through linkedom and Readability, Markdown with YAML front
 * matter, JSON exports) runs in a few worker threads, so a hostile file cannot stall the bot's
 * main thread: Discord interactions keep being acknowledged while it is parsed. Each file has a
 * time limit, after which its worker is terminated (and replaced when next needed) and the file
 * fails with a message of its own; a worker's heap is capped the same way.
 */

/** A document still being parsed after this long is stopped and refused. */
export const DEFAULT_PARSE_TIME_LIMIT_MS = 10_000;
/** Heap of one worker: a 10 MB page needs about 220 MB. */
export const DEFAULT_WORKER_HEAP_MB = 1024;
/** Loading the worker's modules may take this long on a busy machine. */
const STARTUP_LIMIT_MS = workerStartupLimitMs(import.meta.url);

/** ParseOptions as a worker receives them (a registry of ids stays with the caller). */
export type WorkerParseOptions = Omit<ParseOptions, 'ids'>;

/** An article file to parse, or (`task: 'feed'`) a feed document, with the feed's options. */
export type ParseRequest =
  | { id: number; task: 'article'; name: string; data: Uint8Array; source: string; options: WorkerParseOptions }
  | { id: number; task: 'feed'; name: string; data: Uint8Array; source: string; options: FeedParseOptions };

export type ParseReply =
  { kind: 'ready' } | { kind: 'parsed'; id: number; results: NamedResult[] } | { kind: 'feed'; id: number; result: FeedParseResult };

export interface ParsePoolOptions {
  /** Worker threads at most (default: 2, or 1 on a one-core machine). */
  workers?: number;
  /** Time one document may take (default 10 s). */
  timeLimitMs?: number;
  /** Old-generation heap of each worker in MB (default 1024). */
  heapMb?: number;
}

/** The parser itself could not run (its worker failed to load): an operator's problem, not the file's. */
export class ParseWorkerError extends Error {
  override readonly name = 'ParseWorkerError';
}

interface Job {
  request: ParseRequest;
  /** The worker's reply for this job. */
  settle(reply: ParseReply): void;
  /** Ends the job with a failure of the document itself (too slow, out of memory, a crash): `message` says which. */
  refuse(message: string): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Posted to the worker, in order: the first is being parsed, the rest wait in its message queue. */
  jobs: Job[];
  /** The time limit of the first job. */
  timer: NodeJS.Timeout | null;
}

/**
 * Documents posted to one worker ahead of its reply, so it never waits for the main thread
 * between two small files (a round trip costs more than parsing a short article).
 */
const PIPELINE_DEPTH = 4;

export class ParsePool {
  private readonly maxWorkers: number;
  private readonly heapMb: number;
  private timeLimitMs: number;
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: ParsePoolOptions = {}) {
    this.maxWorkers = options.workers ?? Math.min(2, os.availableParallelism());
    this.timeLimitMs = options.timeLimitMs ?? DEFAULT_PARSE_TIME_LIMIT_MS;
    this.heapMb = options.heapMb ?? DEFAULT_WORKER_HEAP_MB;
  }

  /** Changes the time limit for documents parsed from now on. */
  setTimeLimit(timeLimitMs: number): void {
    this.timeLimitMs = timeLimitMs;
  }

  /**
   * parseNamedResults in a worker: never rejects for bad input (a file that is too slow, too deep
   * or too big to parse is one failed result naming it), only with ParseWorkerError when the
   * worker itself cannot run.
   */
  parse(name: string, data: Uint8Array, source: string, options: ParseOptions = {}): Promise<NamedResult[]> {
    const { ids: _ids, ...workerOptions } = options;
    return this.submit<NamedResult[]>(
      (id) => ({ id, task: 'article', name, data: exactBytes(data), source, options: workerOptions }),
      (reply) => (reply.kind === 'parsed' ? reply.results : failed(name, source, 'unexpected reply')),
      (message) => failed(name, source, message),
    );
  }

  /**
   * A feed document in a worker (src/articles/feed/document.ts), under the same time and memory limits
   * as an article: never rejects for bad input, only with ParseWorkerError when the worker cannot run.
   */
  parseFeed(name: string, data: Uint8Array, options: FeedParseOptions): Promise<FeedParseResult> {
    return this.submit<FeedParseResult>(
      (id) => ({ id, task: 'feed', name, data: exactBytes(data), source: name, options }),
      (reply) => (reply.kind === 'feed' ? reply.result : { ok: false, error: messages.parseFailed(name, 'unexpected reply') }),
      (message) => ({ ok: false, error: message }),
    );
  }

  private submit<T>(
    request: (id: number) => ParseRequest,
    fromReply: (reply: ParseReply) => T,
    fromRefusal: (message: string) => T,
  ): Promise<T> {
    if (this.closed) return Promise.reject(new ParseWorkerError('the article parser has been shut down'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        request: request(this.nextId++),
        settle: (reply) => resolve(fromReply(reply)),
        refuse: (message) => resolve(fromRefusal(message)),
        reject,
      });
      this.dispatch();
    });
  }

  /** Stops every worker; documents still queued or in progress are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    const error = new ParseWorkerError('the article parser has been shut down');
    for (const job of this.queue.splice(0)) job.reject(error);
    const slots = [...this.slots];
    for (const slot of slots) for (const job of this.retire(slot)) job.reject(error);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slotWithRoom();
      if (!slot) return;
      const job = this.queue.shift() as Job;
      slot.jobs.push(job);
      slot.worker.postMessage(job.request);
      if (slot.jobs.length === 1) {
        slot.worker.ref();
        this.startClock(slot);
      }
    }
  }

  /** An idle worker, else a new one while under the limit, else the least busy one with room. */
  private slotWithRoom(): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of this.slots) {
      if (slot.jobs.length === 0) return slot;
      if (slot.jobs.length < PIPELINE_DEPTH && (!best || slot.jobs.length < best.jobs.length)) best = slot;
    }
    if (this.slots.size < this.maxWorkers) return this.startWorker();
    return best;
  }

  private startWorker(): Slot {
    const worker = spawnWorker('./parse-worker', import.meta.url, { resourceLimits: { maxOldGenerationSizeMb: this.heapMb } });
    const slot: Slot = { worker, ready: false, jobs: [], timer: null };
    this.slots.add(slot);
    // An idle worker must not keep the CLI or a test process alive; a busy one is ref'd in dispatch().
    worker.unref();
    worker.on('message', (reply: ParseReply) => this.onReply(slot, reply));
    worker.on('error', (error: Error & { code?: string }) => this.onCrash(slot, error));
    worker.on('exit', (code) => {
      if (this.slots.has(slot)) this.onCrash(slot, new Error(`the parse worker exited with code ${code}`));
    });
    return slot;
  }

  private onReply(slot: Slot, reply: ParseReply): void {
    if (reply.kind === 'ready') {
      slot.ready = true;
      // The first document's own clock starts once the worker can run it.
      this.startClock(slot);
      return;
    }
    const job = slot.jobs[0];
    if (!job || job.request.id !== reply.id) return;
    slot.jobs.shift();
    this.startClock(slot);
    if (slot.jobs.length === 0) slot.worker.unref();
    job.settle(reply);
    this.dispatch();
  }

  private onCrash(slot: Slot, error: Error & { code?: string }): void {
    const wasReady = slot.ready;
    const [current, ...waiting] = this.retire(slot);
    if (!wasReady) {
      const startError = new ParseWorkerError(`the article parser could not start: ${error.message}`);
      for (const job of [current, ...waiting]) job?.reject(startError);
    } else if (current) {
      const { name } = current.request;
      current.refuse(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? messages.parseOutOfMemory(name) : messages.parseFailed(name, error.message),
      );
      this.queue.unshift(...waiting);
    }
    this.dispatch();
  }

  /** Starts the time limit of the worker's first document (or, before it is ready, of its start-up). */
  private startClock(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    if (slot.jobs.length === 0) return;
    const limitMs = slot.ready ? this.timeLimitMs : STARTUP_LIMIT_MS;
    slot.timer = setTimeout(() => this.onTimeout(slot, limitMs), limitMs);
  }

  private onTimeout(slot: Slot, limitMs: number): void {
    const wasReady = slot.ready;
    const [current, ...waiting] = this.retire(slot);
    if (!current) return;
    if (wasReady) {
      current.refuse(messages.parseTimeout(current.request.name, limitMs));
      // The documents queued behind it never started: they go to the next worker.
      this.queue.unshift(...waiting);
    } else {
      const startError = new ParseWorkerError(`the article parser did not start within ${limitMs / 1000} s`);
      for (const job of [current, ...waiting]) job.reject(startError);
    }
    this.dispatch();
  }

  /** Takes a worker out of the pool and stops it; returns the jobs it held, the one in progress first. */
  private retire(slot: Slot): Job[] {
    if (!this.slots.delete(slot)) return [];
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    const jobs = slot.jobs.splice(0);
    void slot.worker.terminate();
    return jobs;
  }
}

function failed(name: string, source: string, error: string): NamedResult[] {
  return [{ result: failure(source, error), where: name }];
}

/** Exactly these bytes: posting a view would copy the whole buffer behind it (a Buffer may sit in a shared pool). */
function exactBytes(data: Uint8Array): Uint8Array {
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : new Uint8Array(data);
}

let shared: ParsePool | undefined;

/** The process-wide pool every loader parses with; its workers start on first use. */
export function sharedParsePool(): ParsePool {
  return (shared ??= new ParsePool());
}
