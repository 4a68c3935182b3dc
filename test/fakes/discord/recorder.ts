import type { IncomingHttpHeaders } from 'node:http';

/** A file that arrived in a multipart request body. */
export interface RecordedFile {
  /** The form field, e.g. `files[0]`. */
  field: string;
  filename: string;
  contentType: string;
  size: number;
  data: Buffer;
}

/** One HTTP request the fake received, as the tests see it. */
export interface RecordedRequest {
  method: string;
  /** Decoded path including the `/api/v10` prefix, without the query (`%40original` reads `@original`). */
  path: string;
  /** The path without the `/api/v10` prefix, e.g. `/webhooks/1/abc/messages/@original`. */
  route: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the parsed `payload_json` of a multipart body; null when there was none. */
  body: unknown;
  files: RecordedFile[];
  /** The status the fake answered with; null when it never answered (a hanging attachment). */
  status: number | null;
  /** False when no route served the request (it was answered 404 and should not have been sent). */
  matched: boolean;
  /** Date.now() when the request arrived. */
  time: number;
}

export type RequestPredicate = (request: RecordedRequest) => boolean;

interface Waiter<T> {
  predicate: (entry: T) => boolean;
  resolve: (entry: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Entries in arrival order, and promises for entries still to come. */
export class EventLog<T> {
  readonly entries: T[] = [];
  private waiters = new Set<Waiter<T>>();

  private readonly what: string;
  private readonly describe: (entry: T) => string;

  constructor(what: string, describe: (entry: T) => string) {
    this.what = what;
    this.describe = describe;
  }

  add(entry: T): void {
    this.entries.push(entry);
    for (const waiter of [...this.waiters]) {
      if (waiter.predicate(entry)) {
        this.settle(waiter);
        waiter.resolve(entry);
      }
    }
  }

  /** The first entry (already here or still to come) that matches. */
  waitFor(predicate: (entry: T) => boolean, timeoutMs: number): Promise<T> {
    const seen = this.entries.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: Waiter<T> = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.settle(waiter);
          const seenSoFar = this.entries.length === 0 ? 'none' : this.entries.map(this.describe).join('; ');
          reject(new Error(`fake Discord: no matching ${this.what} within ${timeoutMs} ms; saw: ${seenSoFar}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  rejectAll(reason: string): void {
    for (const waiter of [...this.waiters]) {
      this.settle(waiter);
      waiter.reject(new Error(reason));
    }
  }

  private settle(waiter: Waiter<T>): void {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
  }
}

export function describeRequest(request: RecordedRequest): string {
  return `${request.method} ${request.route} → ${request.status ?? 'no answer'}`;
}
