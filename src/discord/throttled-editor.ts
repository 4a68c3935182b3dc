/**
 * Coalesces a stream of updates into at most one write per `intervalMs` (Discord allows about
 * five message edits per five seconds; streaming every token would be rate limited). The last
 * update always gets written by `flush()`.
 */
export class ThrottledEditor<T> {
  private pending: T | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastWrite = 0;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  private readonly write: (value: T) => Promise<unknown>;
  private readonly intervalMs: number;
  private readonly onError: (error: unknown) => void;

  constructor(write: (value: T) => Promise<unknown>, intervalMs: number = 1500, onError: (error: unknown) => void = () => {}) {
    this.write = write;
    this.intervalMs = intervalMs;
    this.onError = onError;
  }

  update(value: T): void {
    if (this.closed) return;
    this.pending = value;
    if (this.timer) return;
    const wait = Math.max(0, this.lastWrite + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.writePending();
    }, wait);
  }

  private writePending(): Promise<void> {
    const value = this.pending;
    this.pending = undefined;
    if (value === undefined) return this.writing;
    this.lastWrite = Date.now();
    this.writing = this.writing.then(() => this.write(value).then(() => undefined, this.onError));
    return this.writing;
  }

  /** Stops streaming: drops any draft not yet written and waits for a write in progress. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    await this.writing;
  }
}
