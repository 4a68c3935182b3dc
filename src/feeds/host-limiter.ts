/**
 * At most `perHost` requests in flight to one host at a time, across every feed of a sync: a
 * newsroom's site with ten feeds is still asked two things at once, not twenty. Others wait
 * their turn in order.
 */
export class HostLimiter {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  private readonly perHost: number;

  constructor(perHost: number) {
    this.perHost = perHost;
  }

  async run<T>(url: string, work: () => Promise<T>): Promise<T> {
    const host = hostOf(url);
    await this.enter(host);
    try {
      return await work();
    } finally {
      this.leave(host);
    }
  }

  private enter(host: string): Promise<void> {
    const active = this.active.get(host) ?? 0;
    if (active < this.perHost) {
      this.active.set(host, active + 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(host) ?? [];
      queue.push(resolve);
      this.waiting.set(host, queue);
    });
  }

  private leave(host: string): void {
    const next = this.waiting.get(host)?.shift();
    // The slot passes straight to the next in line: the count stays the same.
    if (next) return next();
    const active = (this.active.get(host) ?? 1) - 1;
    if (active > 0) this.active.set(host, active);
    else this.active.delete(host);
    if (this.waiting.get(host)?.length === 0) this.waiting.delete(host);
  }
}

/** "https://News.Example:443/rss" → "news.example:443"; what is not a URL is its own host. */
function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url;
  }
}

/** Runs `work` over `items` with at most `limit` at a time; results in the order of `items`. */
export async function mapWithLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
