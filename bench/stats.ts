/** Latency statistics and number formatting shared by the benchmark scripts. */

export interface Latency {
  p50: number;
  p99: number;
  mean: number;
}

/** Nearest-rank percentile of samples (milliseconds). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function latency(samples: readonly number[]): Latency {
  const mean = samples.reduce((sum, x) => sum + x, 0) / Math.max(1, samples.length);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), mean };
}

/** Milliseconds with precision that suits the magnitude. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value < 1) return value.toFixed(3);
  if (value < 100) return value.toFixed(2);
  return value.toFixed(0);
}

export function seconds(valueMs: number): string {
  return `${(valueMs / 1000).toFixed(valueMs < 10_000 ? 2 : 1)} s`;
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}

export function mark(ok: boolean): string {
  return ok ? '✓' : '✗';
}

/** A markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Lets the event loop breathe and the GC run between phases. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

/**
 * Times `queries` searches after `warmup` untimed ones, and averages recall@k of the returned ids
 * against the exact top k of each query.
 */
export async function measureSearch(
  truth: readonly Int32Array[],
  search: (q: number) => Promise<ArrayLike<number>> | ArrayLike<number>,
  options: {
    queries: number;
    warmup: number;
    k: number;
    recallAtK: (found: ArrayLike<number>, truth: ArrayLike<number>, k: number) => number;
  },
): Promise<{ latency: Latency; recall: number }> {
  for (let q = 0; q < Math.min(options.warmup, options.queries); q++) await search(q);
  const samples: number[] = [];
  let recall = 0;
  for (let q = 0; q < options.queries; q++) {
    const started = performance.now();
    const ids = await search(q);
    samples.push(performance.now() - started);
    recall += options.recallAtK(ids, truth[q] as Int32Array, options.k);
  }
  return { latency: latency(samples), recall: recall / options.queries };
}
