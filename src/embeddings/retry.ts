import { doublingDelay } from '../backoff.ts';

export interface BackoffOptions {
  /** Wait before the first attempt. */
  firstDelayMs: number;
  /** The wait doubles after each failure, up to this. */
  maxDelayMs: number;
}

/** 1 minute, then 2, 4, 8, 16 and every 30 minutes: a hub that comes back is noticed soon, a dead one costs little. */
export const MODEL_RETRY: BackoffOptions = { firstDelayMs: 60_000, maxDelayMs: 30 * 60_000 };

/**
 * Runs `attempt` later, again and again with a doubling wait, until it returns true (done) or
 * `stop` is called (the app's close does). One attempt at a time. An attempt that
 * throws counts as a failure; `onFailure` hears about it with the wait before the next one.
 */
export class Backoff {
  private timer: NodeJS.Timeout | null = null;
  private delay: number;
  private stopped = false;
  private running = false;
  attempts = 0;

  private readonly attempt: () => Promise<boolean>;
  private readonly options: BackoffOptions;
  private readonly onFailure: (error: unknown, nextInMs: number) => void;

  constructor(
    attempt: () => Promise<boolean>,
    options: BackoffOptions,
    onFailure: (error: unknown, nextInMs: number) => void = () => undefined,
  ) {
    this.attempt = attempt;
    this.options = options;
    this.onFailure = onFailure;
    this.delay = options.firstDelayMs;
  }

  /** Schedules the first attempt (again after `stop`, nothing). Calling it while scheduled changes nothing. */
  start(): void {
    if (this.stopped || this.timer || this.running) return;
    this.schedule();
  }

  get active(): boolean {
    return !this.stopped && (this.timer !== null || this.running);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.run(), this.delay);
  }

  private async run(): Promise<void> {
    this.timer = null;
    if (this.stopped) return;
    this.running = true;
    this.attempts++;
    let done = false;
    let failure: unknown = null;
    try {
      done = await this.attempt();
    } catch (error) {
      failure = error;
    } finally {
      this.running = false;
    }
    if (done || this.stopped) return;
    this.delay = doublingDelay(this.attempts + 1, this.options.firstDelayMs, this.options.maxDelayMs);
    this.onFailure(failure, this.delay);
    this.schedule();
  }
}
