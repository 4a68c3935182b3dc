import type { IngestSummary } from './ingest.ts';
import { cliText } from './messages/cli.ts';

/**
 * `added 3 · updated 1 · unchanged 6 · removed 0 · failed 1 · 42 chunks · 2.1 s` (documented in the README),
 * with `· 2 duplicates` before the chunks when some items were stories already stored.
 */
export function summaryLine(s: IngestSummary): string {
  const duplicates = s.duplicates > 0 ? ` · ${s.duplicates} duplicate${s.duplicates === 1 ? '' : 's'}` : '';
  return (
    `added ${s.added} · updated ${s.updated} · unchanged ${s.unchanged} · removed ${s.removed} · failed ${s.failed}` +
    `${duplicates} · ${s.chunks} chunks · ${s.seconds.toFixed(1)} s`
  );
}

/** "✗ <reason>" for each failed item, the first `max` of them, then how many more there were. */
export function failureLines(s: IngestSummary, max = Infinity): string[] {
  const lines = s.failures.slice(0, max).map((f) => `✗ ${f.error}`);
  if (s.failures.length > max) lines.push(cliText.moreFailures(s.failures.length - max));
  return lines;
}
