import type { Reply } from './http-body.ts';
import { matchSegments, splitPath } from './router.ts';

interface PendingLimit {
  matches: (method: string, route: string) => boolean;
  retryAfterSeconds: number;
  remaining: number;
}

/** 429s a test asked for, answered with the headers and body discord.js reads before retrying. */
export class RateLimiter {
  private readonly pending: PendingLimit[] = [];
  private bucketCounter = 0;

  /**
   * `pattern` is `"METHOD /path"` (the path without `/api/v10`; `:name` or `*` match one segment,
   * METHOD may be `*`), or a RegExp tested against `"METHOD /path"`.
   */
  limitNext(pattern: string | RegExp, retryAfterSeconds: number, times: number): void {
    this.pending.push({ matches: matcher(pattern), retryAfterSeconds, remaining: times });
  }

  /** The 429 to answer instead of serving this request, if one is pending for it. */
  take(method: string, route: string): Reply | null {
    const limit = this.pending.find((p) => p.matches(method, route));
    if (!limit) return null;
    limit.remaining -= 1;
    if (limit.remaining <= 0) this.pending.splice(this.pending.indexOf(limit), 1);
    this.bucketCounter += 1;
    const seconds = limit.retryAfterSeconds;
    return {
      status: 429,
      headers: {
        'retry-after': String(seconds),
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': (Date.now() / 1000 + seconds).toFixed(3),
        'x-ratelimit-reset-after': String(seconds),
        'x-ratelimit-bucket': `fakebucket${this.bucketCounter}`,
        'x-ratelimit-scope': 'user',
      },
      body: { message: 'You are being rate limited.', retry_after: seconds, global: false },
    };
  }
}

function matcher(pattern: string | RegExp): (method: string, route: string) => boolean {
  if (pattern instanceof RegExp) return (method, route) => pattern.test(`${method} ${route}`);
  const [methodPart = '', pathPart = ''] = pattern.trim().split(/\s+/, 2);
  const method = methodPart.toUpperCase();
  const segments = splitPath(pathPart.replace(/^\/api\/v10/, ''));
  return (actualMethod, route) => (method === '*' || method === actualMethod) && matchSegments(segments, splitPath(route)) !== null;
}
