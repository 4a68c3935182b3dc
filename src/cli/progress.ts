import { output } from './context.ts';

/** Where progress goes: stderr, so stdout stays clean for results and `--json`. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** What is being done, e.g. "embedding". */
  label: string;
  /** Amount of work when known (items or bytes); null shows counts and rate without a bar or ETA. */
  total?: number | null;
  /** What is counted: "chunks", "files"; "bytes" prints sizes (MB) and MB/s. */
  unit?: string;
  stream?: ProgressStream;
  /** Milliseconds since some fixed moment (performance.now by default); tests pass their own clock. */
  now?: () => number;
  /** Not a terminal: at most one line this often (ms) while work goes on (default 30 s). */
  lineIntervalMs?: number;
}

const REDRAW_MS = 100;
const MIN_LINE_GAP_MS = 1000;
const BAR_WIDTH = 24;

/**
 * Progress of long work (ingest, reindex, backup, model downloads) on stderr. On a terminal, one
 * bar redrawn in place with counts, percentage, rate and ETA; elsewhere (a pipe, a log, CI) plain
 * lines: one at each tenth of the work (at least a second apart) or every `lineIntervalMs`,
 * whichever comes first, and a last line with the total and the time taken.
 *
 *   const progress = new Progress({ label: 'embedding', total: chunks, unit: 'chunks' });
 *   progress.update(done);      // as work completes
 *   progress.finish();          // always, also after a failure
 */
export class Progress {
  private readonly stream: ProgressStream;
  private readonly terminal: boolean;
  private readonly now: () => number;
  private readonly lineIntervalMs: number;
  private readonly started: number;
  private total: number | null;
  private done = 0;
  private detail = '';
  private lastDraw = -Infinity;
  private lastLine: number;
  private lastStep = 0;
  private drawn = false;
  private finished = false;

  private readonly options: ProgressOptions;

  constructor(options: ProgressOptions) {
    this.options = options;
    this.stream = options.stream ?? output().stderr;
    this.terminal = Boolean(this.stream.isTTY);
    this.now = options.now ?? (() => performance.now());
    this.lineIntervalMs = options.lineIntervalMs ?? 30_000;
    this.total = options.total ?? null;
    this.started = this.now();
    this.lastLine = this.started;
  }

  /** The total became known (or changed, e.g. a download's size from its headers). */
  setTotal(total: number | null): void {
    this.total = total;
  }

  /** `done` units of work are complete; `detail` names the item being worked on. */
  update(done: number, detail = ''): void {
    if (this.finished) return;
    this.done = done;
    this.detail = detail;
    const now = this.now();
    if (this.terminal) {
      const complete = this.total !== null && done >= this.total;
      if (now - this.lastDraw >= REDRAW_MS || complete) {
        this.lastDraw = now;
        this.drawBar(now);
      }
      return;
    }
    const step = this.total && this.total > 0 ? Math.floor((Math.min(done, this.total) / this.total) * 10) : 0;
    const sinceLine = now - this.lastLine;
    if (done < (this.total ?? Infinity) && (sinceLine >= this.lineIntervalMs || (step > this.lastStep && sinceLine >= MIN_LINE_GAP_MS))) {
      this.lastLine = now;
      this.lastStep = step;
      this.stream.write(`${this.statusLine(now)}\n`);
    }
  }

  /** One more unit done. */
  tick(detail = ''): void {
    this.update(this.done + 1, detail);
  }

  /** Clears the bar and prints the closing line ("embedding: 5,000 chunks in 16.1 s"), if any work was seen. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.terminal && this.drawn) this.stream.write(`\r${' '.repeat(this.width())}\r`);
    if (this.done > 0 || this.drawn) {
      const seconds = (this.now() - this.started) / 1000;
      const of = this.total !== null && this.done < this.total ? ` of ${this.amount(this.total)}` : '';
      this.stream.write(`${this.options.label}: ${this.amount(this.done)}${of} ${this.unitWord()}in ${formatSeconds(seconds)}\n`);
    }
  }

  private drawBar(now: number): void {
    const total = this.total;
    const parts: string[] = [];
    if (total !== null && total > 0) {
      const fraction = Math.min(1, this.done / total);
      const filled = Math.round(fraction * BAR_WIDTH);
      parts.push(`${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${String(Math.floor(fraction * 100)).padStart(3)}%`);
    }
    parts.push(this.counts(), ...this.rateAndEta(now));
    let line = `${this.options.label} ${parts.join(' · ')}`;
    if (this.detail) line += `  ${this.detail}`;
    const width = this.width();
    const shown = line.length > width ? `${line.slice(0, width - 1)}…` : line.padEnd(width);
    this.stream.write(`\r${shown}`);
    this.drawn = true;
  }

  private statusLine(now: number): string {
    const percent = this.total && this.total > 0 ? ` (${Math.floor((Math.min(this.done, this.total) / this.total) * 100)}%)` : '';
    return `${this.options.label}: ${this.counts()}${percent} · ${this.rateAndEta(now).join(' · ')}`;
  }

  private counts(): string {
    const of = this.total !== null ? `/${this.amount(this.total)}` : '';
    return `${this.amount(this.done)}${of}${this.unitWord() ? ` ${this.unitWord().trimEnd()}` : ''}`;
  }

  private rateAndEta(now: number): string[] {
    const seconds = (now - this.started) / 1000;
    if (seconds < 0.5 || this.done === 0) return ['ETA …'];
    const rate = this.done / seconds;
    const parts = [this.isBytes() ? `${formatBytes(rate)}/s` : `${formatRate(rate)}/s`];
    if (this.total !== null && this.total > this.done) parts.push(`ETA ${formatDuration((this.total - this.done) / rate)}`);
    return parts;
  }

  private amount(n: number): string {
    return this.isBytes() ? formatBytes(n) : n.toLocaleString('en-US');
  }

  /** "chunks " (with its space) or "" for bytes, whose amounts carry their unit. */
  private unitWord(): string {
    const unit = this.options.unit;
    return unit && !this.isBytes() ? `${unit} ` : '';
  }

  private isBytes(): boolean {
    return this.options.unit === 'bytes';
  }

  private width(): number {
    return Math.max(20, (this.stream.columns ?? 80) - 1);
  }
}

/** 75 → "1:15", 3725 → "1:02:05". */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

function formatSeconds(seconds: number): string {
  return seconds < 60 ? `${seconds.toFixed(1)} s` : formatDuration(seconds);
}

function formatRate(perSecond: number): string {
  return perSecond >= 100 ? Math.round(perSecond).toLocaleString('en-US') : perSecond.toFixed(1);
}

/** Sizes as people read them: "512 KB", "12.3 MB", "1.20 GB" (binary units). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}
