import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Each benchmark rewrites its own section of bench/RESULTS.md and leaves the others alone. */

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const RESULTS_FILE = path.join(BENCH_DIR, 'RESULTS.md');
export const OUT_DIR = path.join(BENCH_DIR, 'out');

/** Sections written by scripts, in this order; hand-written ones (e.g. findings) follow. */
const SECTION_ORDER = ['search', 'million', 'ingest', 'quality'];

const HEADER = `# Benchmark results

Numbers measured by the scripts in \`bench/\`, each of which rewrites its own section below
(\`npm run bench\`, \`bench:1m\`, \`bench:ingest\`, \`bench:quality\`; LangChain rows need
\`npm run bench:install\` first). Timings are wall-clock on the machine named in each section;
compare rows within a section, not across machines.
`;

export function machineLine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const memory = (os.totalmem() / 1024 ** 3).toFixed(0);
  const date = new Date().toISOString().slice(0, 10);
  return `Machine: ${os.availableParallelism()} CPUs (\`nproc\`), ${cpu}, ${memory} GiB RAM · Node ${process.version} · ${os.platform()} ${os.arch()} · ${date}`;
}

function markers(key: string): { start: string; end: string } {
  return { start: `<!-- section:${key} -->`, end: `<!-- /section:${key} -->` };
}

/** Replaces (or inserts, in the fixed section order) the section `key` of RESULTS.md. */
export function writeResultsSection(key: string, markdown: string): void {
  const existing = fs.existsSync(RESULTS_FILE) ? fs.readFileSync(RESULTS_FILE, 'utf8') : HEADER;
  const sections = new Map<string, string>();
  const present = [...existing.matchAll(/<!-- section:([\w-]+) -->/g)].map((m) => m[1] as string);
  for (const name of new Set([...SECTION_ORDER, ...present, key])) {
    const { start, end } = markers(name);
    const from = existing.indexOf(start);
    const to = existing.indexOf(end);
    if (from >= 0 && to > from) sections.set(name, existing.slice(from, to + end.length));
  }
  const { start, end } = markers(key);
  sections.set(key, `${start}\n${markdown.trim()}\n${end}`);
  const firstMarker = existing.indexOf('<!-- section:');
  const header = (firstMarker >= 0 ? existing.slice(0, firstMarker) : existing).trimEnd();
  const ordered = [
    ...SECTION_ORDER.filter((name) => sections.has(name)),
    ...[...sections.keys()].filter((n) => !SECTION_ORDER.includes(n)),
  ];
  const body = ordered.map((name) => sections.get(name) as string).join('\n\n');
  fs.writeFileSync(RESULTS_FILE, `${header}\n\n${body}\n`);
}

/** Size of a file or, for a folder, of everything in it (0 when absent). */
export function diskBytes(target: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.size;
  return fs.readdirSync(target).reduce((sum, name) => sum + diskBytes(path.join(target, name)), 0);
}

/** Prints a progress line to stderr (results go to stdout and RESULTS.md). */
export function progress(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
