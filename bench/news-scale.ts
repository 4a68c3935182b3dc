/**
 * `npm run bench:news-scale [-- --articles=100000] [--no-write] [--keep=DIR] [--misses]`: the bench:news questions, keyword-only
 * and as of each question's day, first over the evaluation set alone, then with a large generated archive
 * (news-archive.ts: real-length scraped-looking articles dated across eight years) mixed in: the right
 * story first (hit@1) and among the first 5 (hit@5). Then "the latest on X": series of stories on one
 * subject, asked as of a day inside the series, must put the newest story before that day first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Article, LoadResult } from '../src/articles/article.ts';
import { loadPaths } from '../src/articles/load.ts';
import { ingest } from '../src/ingest.ts';
import { Retriever } from '../src/retrieval/search.ts';
import { Library } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { HNSW } from './corpus.ts';
import { archiveArticle, dayAt, seriesArticle, Words } from './news-archive.ts';
import { BENCH_DIR, machineLine, progress, writeResultsSection } from './results.ts';
import { table } from './stats.ts';

const NEWS_DIR = path.join(BENCH_DIR, 'news');
const CHUNKING = { targetTokens: 200, overlapTokens: 30 };
const FILTER = { collections: [SHARED_COLLECTION] };
const BATCH = 2000;
const SERIES = 20;
const SERIES_LENGTH = 6;
const SERIES_NOUNS = [
  'tunnel project',
  'pipeline plan',
  'stadium deal',
  'rail link',
  'port expansion',
  'dam inquiry',
  'mine licence',
  'bridge repairs',
];
const args = process.argv.slice(2);
const count = Number(args.find((a) => a.startsWith('--articles='))?.slice('--articles='.length) ?? 100_000);
const write = !args.includes('--no-write');
/** Keeps the library in this folder, and searches the one already there instead of building it again. */
const KEEP = args.find((a) => a.startsWith('--keep='))?.slice('--keep='.length);
/** Prints each question the large archive misses at hit@1 (and the stories it put first). */
const MISSES = args.includes('--misses');

interface Question {
  question: string;
  asOf: string;
  articleId: string;
}

function readQuestions(): Question[] {
  const desks = fs.readdirSync(NEWS_DIR).filter((d) => fs.existsSync(path.join(NEWS_DIR, d, 'questions.json')));
  return desks.flatMap(
    (d) => (JSON.parse(fs.readFileSync(path.join(NEWS_DIR, d, 'questions.json'), 'utf8')) as { answerable: Question[] }).answerable,
  );
}

async function storyHits(
  retriever: Retriever,
  questions: readonly Question[],
  showMisses = false,
): Promise<{ hit1: number; hit5: number; ms: number }> {
  let hit1 = 0;
  let hit5 = 0;
  const started = performance.now();
  for (const q of questions) {
    const result = await retriever.search(q.question, { k: 10, filter: FILTER, asOf: q.asOf });
    const stories = [...new Set(result.passages.map((p) => p.articleId))];
    const at = stories.slice(0, 5).indexOf(q.articleId) + 1;
    if (at === 1) hit1++;
    if (at > 0) hit5++;
    if (showMisses && at !== 1) {
      const titles = stories.slice(0, 3).map((id) => `${id} "${result.passages.find((p) => p.articleId === id)?.title}"`);
      process.stdout.write(`MISS (${at || '-'}) ${q.asOf} "${q.question}" wanted ${q.articleId}; got ${titles.join(' | ')}\n`);
    }
  }
  return { hit1: hit1 / questions.length, hit5: hit5 / questions.length, ms: (performance.now() - started) / questions.length };
}

function* generated(words: Words): Generator<Article> {
  for (let i = 0; i < count; i++) yield archiveArticle(words, i, count);
}

/** The series for "the latest on …": each subject covered SERIES_LENGTH times, 45 days apart, inside the archive's years. */
function series(words: Words): { articles: Article[]; checks: { question: string; asOf: string; newest: string }[] } {
  const articles: Article[] = [];
  const checks: { question: string; asOf: string; newest: string }[] = [];
  for (let s = 0; s < SERIES; s++) {
    const subject = `${words.name()} ${SERIES_NOUNS[s % SERIES_NOUNS.length]}`;
    const first = Date.parse(`${dayAt(0.1 + (0.8 * s) / SERIES)}T00:00:00Z`);
    const days = Array.from({ length: SERIES_LENGTH }, (_, n) => new Date(first + n * 45 * 86_400_000).toISOString().slice(0, 10));
    days.forEach((day, n) => articles.push(seriesArticle(words, subject, s, n, day)));
    // Asked 10 days after the fourth story: the fifth and sixth are not out yet.
    const asOf = new Date(Date.parse(`${days[3]}T00:00:00Z`) + 10 * 86_400_000).toISOString().slice(0, 10);
    checks.push({ question: `What is the latest on the ${subject}?`, asOf, newest: `series-${s}-3` });
  }
  return { articles, checks };
}

async function ingestAll(library: Library, articles: Iterable<Article>): Promise<number> {
  let batch: LoadResult[] = [];
  let stored = 0;
  const flush = async () => {
    const summary = await ingest({ library, embedder: null }, batch, { collection: SHARED_COLLECTION, chunking: CHUNKING });
    stored += summary.added;
    batch = [];
    progress(`${stored} generated articles stored`);
  };
  for (const article of articles) {
    batch.push({ ok: true, article });
    if (batch.length === BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  return stored;
}

async function main(): Promise<void> {
  const root = KEEP ?? fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-bench-news-scale-'));
  const builtFile = path.join(root, 'bench-build.json');
  const built =
    KEEP && fs.existsSync(builtFile) ? (JSON.parse(fs.readFileSync(builtFile, 'utf8')) as { stored: number; minutes: number }) : null;
  const library = Library.open({ dataDir: root, hnsw: HNSW });
  try {
    const questions = readQuestions();
    const own: Article[] = [];
    for await (const item of loadPaths(fs.readdirSync(NEWS_DIR).map((d) => path.join(NEWS_DIR, d, 'articles'))))
      if (item.ok) own.push(item.article);
    const retriever = new Retriever(library, null);
    let small = { hit1: Number.NaN, hit5: Number.NaN, ms: Number.NaN };
    if (!built) {
      await ingest(
        { library, embedder: null },
        own.map((article) => ({ ok: true as const, article })),
        { collection: SHARED_COLLECTION, chunking: CHUNKING },
      );
      small = await storyHits(retriever, questions);
      progress(`small archive: hit@1 ${small.hit1.toFixed(3)} hit@5 ${small.hit5.toFixed(3)}`);
    }

    const words = Words.from(
      own.map((a) => `${a.title}\n${a.body}`),
      0x5ca1e,
    );
    const { articles: seriesArticles, checks } = series(words);
    const started = performance.now();
    const stored = built?.stored ?? (await ingestAll(library, generated(words))) + (await ingestAll(library, seriesArticles));
    const ingestMinutes = built?.minutes ?? (performance.now() - started) / 60_000;
    if (KEEP && !built) fs.writeFileSync(builtFile, JSON.stringify({ stored, minutes: ingestMinutes }));
    const { articles, chunks } = library.counts();
    const large = await storyHits(retriever, questions, MISSES);
    let latest = 0;
    for (const c of checks) {
      const result = await retriever.search(c.question, { k: 10, filter: FILTER, asOf: c.asOf });
      if (result.passages[0]?.articleId === c.newest) latest++;
    }
    const row = (name: string, r: typeof small) => [name, r.hit1.toFixed(3), r.hit5.toFixed(3), r.ms.toFixed(0)];
    const markdown = `## The evaluation set at scale (\`npm run bench:news-scale\`)

${machineLine()} · load average at the end ${os.loadavg()[0]?.toFixed(1)} (shared machine)

The ${questions.length} bench:news questions, keyword-only, each as of its day, over the evaluation set alone and then with
${stored.toLocaleString('en')} generated articles mixed in (\`bench/news-archive.ts\`: 350–1,100 words, dated 2019–2026, scraped-page
noise: bylines, "CITY (Outlet) —" datelines, photo captions, ad and newsletter leftovers; names and words drawn from the
evaluation set's own articles; \`--articles=${count}\`, default 100,000). ${articles.toLocaleString('en')} articles, ${chunks.toLocaleString('en')} chunks;
stored in ${ingestMinutes.toFixed(1)} min.

${table(['archive', 'story hit@1', 'story hit@5', 'ms per question'], [row(`evaluation set (${own.length} articles)`, small), row(`with ${stored.toLocaleString('en')} generated`, large)])}

"The latest on X": ${latest} of ${checks.length} series (${SERIES_LENGTH} stories each, 45 days apart, asked 10 days after the
fourth) put the newest story before the question's day first.
`;
    // A reused library has no small-archive row: the results section is written by full runs only.
    if (write && !built) writeResultsSection('news-scale', markdown);
    process.stdout.write(`${markdown}\n`);
  } finally {
    library.close();
    if (!KEEP) fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
