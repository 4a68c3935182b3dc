/**
 * `npm run bench:news`: retrieval and extract-mode answer quality on the project's own real-news-style
 * evaluation set (bench/news/*: wire-copy articles with dated questions, written for this project), and
 * extract mode over the real seed article in ../shared/seeds (bench/seed-questions.json).
 *
 * Every question is asked as of its date, as the outside checks do (`--as-of`). Reported per split
 * (dev: what the scoring was tuned on; test: held back) and in total:
 * - retrieval: the answering article first (hit@1), among the first 5 distinct articles of a k = 10
 *   search (hit@5), MRR over those 5; keyword-only, dense-only and hybrid (the tiny test model);
 * - extract mode, keyword-only (the mode that runs without the embedding model): the right answer shown,
 *   answerable questions refused, the answer present in the passages the answer was drawn from, and
 *   unanswerable questions answered (by why they cannot be answered).
 *
 * `--json=<file>` also writes the figures as JSON (for comparing runs); `--no-write` leaves RESULTS.md alone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Answerer } from '../src/answering/answerer.ts';
import { loadPaths } from '../src/articles/load.ts';
import type { Embedder } from '../src/embeddings/embedder.ts';
import { loadEmbedder, unloadEmbedders } from '../src/embeddings/transformers.ts';
import { ingest } from '../src/ingest.ts';
import { loadPrompts } from '../src/llm/prompts.ts';
import type { LlmClient } from '../src/llm/types.ts';
import { Retriever } from '../src/retrieval/search.ts';
import { Library } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { HNSW } from './corpus.ts';
import { BENCH_DIR, machineLine, progress, writeResultsSection } from './results.ts';
import { table } from './stats.ts';

const ROOT = path.dirname(BENCH_DIR);
const NEWS_DIR = path.join(BENCH_DIR, 'news');
const SEED_DIR = path.join(ROOT, '..', 'shared', 'seeds');
const MODELS_DIR = path.join(ROOT, 'test', 'fixtures', 'models');
const CHUNKING = { targetTokens: 200, overlapTokens: 30 };
const FILTER = { collections: [SHARED_COLLECTION] };
const args = process.argv.slice(2);
const jsonOut = args.find((a) => a.startsWith('--json='))?.slice('--json='.length);
const write = !args.includes('--no-write');

interface Answerable {
  id: string;
  question: string;
  asOf: string;
  articleId: string;
  answer: string;
  type: string;
  time: string;
  split: 'dev' | 'test';
}
interface Unanswerable {
  id: string;
  question: string;
  asOf: string;
  why: string;
  split: 'dev' | 'test';
}

function readSet(): { answerable: Answerable[]; unanswerable: Unanswerable[]; desks: string[] } {
  const desks = fs
    .readdirSync(NEWS_DIR)
    .filter((d) => fs.existsSync(path.join(NEWS_DIR, d, 'questions.json')))
    .sort();
  const answerable: Answerable[] = [];
  const unanswerable: Unanswerable[] = [];
  for (const desk of desks) {
    const set = JSON.parse(fs.readFileSync(path.join(NEWS_DIR, desk, 'questions.json'), 'utf8')) as {
      answerable: Answerable[];
      unanswerable: Unanswerable[];
    };
    answerable.push(...set.answerable);
    unanswerable.push(...set.unanswerable);
  }
  return { answerable, unanswerable, desks };
}

const squeeze = (text: string) => text.replace(/\s+/g, ' ').toLowerCase();
const shows = (text: string, answer: string) => squeeze(text).includes(squeeze(answer));
const pct = (n: number, of: number) => (of === 0 ? '–' : `${((100 * n) / of).toFixed(1)} % (${n}/${of})`);

/** The distinct articles of a result list, in order. */
function distinctArticles(passages: readonly { articleId: string }[]): string[] {
  return [...new Set(passages.map((p) => p.articleId))];
}

type Rank = (q: Answerable) => Promise<string[]>;

async function retrievalRow(name: string, questions: Answerable[], rank: Rank): Promise<string[]> {
  let hit1 = 0;
  let hit5 = 0;
  let rr = 0;
  for (const q of questions) {
    const articles = (await rank(q)).slice(0, 5);
    const at = articles.indexOf(q.articleId) + 1;
    if (at === 1) hit1++;
    if (at > 0) {
      hit5++;
      rr += 1 / at;
    }
  }
  const n = questions.length;
  return [name, (hit1 / n).toFixed(3), (hit5 / n).toFixed(3), (rr / n).toFixed(3)];
}

function answererFor(library: Library, retriever: Retriever, llm: LlmClient | null = null): Answerer {
  return new Answerer({
    library,
    retriever,
    llm,
    prompts: loadPrompts(path.join(ROOT, 'prompts')),
    options: { k: 8, perArticle: 3, contextTokens: 3000, minSimilarity: null, maxQuestionChars: 1000 },
  });
}

/** A stand-in for a remote model that counts the questions it is asked and always answers NOT_IN_ARTICLES. */
function countingModel(): LlmClient & { calls: number } {
  const model = {
    model: 'counting-stand-in',
    calls: 0,
    complete: () => {
      model.calls++;
      return Promise.resolve({
        ok: true as const,
        text: 'NOT_IN_ARTICLES',
        finishReason: 'stop',
        usage: null,
        model: 'counting-stand-in',
        ms: 0,
        attempts: 1,
      });
    },
  };
  return model;
}

/** With a model: how many questions reach it (the relevance gate before any model call, RELEVANCE.modelBar). */
async function modelGate(
  answerer: Answerer,
  model: { calls: number },
  questions: readonly { question: string; asOf?: string }[],
): Promise<number> {
  let reached = 0;
  for (const q of questions) {
    const before = model.calls;
    await answerer.ask({ question: q.question, collections: FILTER.collections, ...(q.asOf ? { asOf: q.asOf } : {}) });
    if (model.calls > before) reached++;
  }
  return reached;
}

interface AnswerFigures {
  shown: number;
  refused: number;
  inPassages: number;
  answerable: number;
  unanswered: number;
  unanswerable: number;
  byWhy: Record<string, [number, number]>;
  misses: string[];
}

async function answerFigures(answerer: Answerer, answerable: Answerable[], unanswerable: Unanswerable[]): Promise<AnswerFigures> {
  const f: AnswerFigures = {
    shown: 0,
    refused: 0,
    inPassages: 0,
    answerable: answerable.length,
    unanswered: 0,
    unanswerable: unanswerable.length,
    byWhy: {},
    misses: [],
  };
  for (const q of answerable) {
    const r = await answerer.ask({ question: q.question, collections: FILTER.collections, asOf: q.asOf });
    if (r.kind === 'not_found') f.refused++;
    else if (shows(r.text, q.answer)) f.shown++;
    if (r.passages.some((p) => shows(p.text, q.answer))) f.inPassages++;
    if (r.kind === 'not_found' || !shows(r.text, q.answer))
      f.misses.push(
        `${q.id} [${q.type}/${q.time}] ${q.question} → ${r.kind === 'not_found' ? 'refused' : r.text.slice(0, 160).replace(/\n/g, ' ')}`,
      );
  }
  for (const q of unanswerable) {
    const r = await answerer.ask({ question: q.question, collections: FILTER.collections, asOf: q.asOf });
    const answered = r.kind !== 'not_found';
    if (answered) f.unanswered++;
    const entry = (f.byWhy[q.why] ??= [0, 0]);
    entry[1]++;
    if (answered) entry[0]++;
  }
  return f;
}

async function seedFigures(root: string): Promise<{
  right: number;
  total: number;
  refused: number;
  general: number;
  misses: string[];
  generalToModel: number;
  answerableToModel: number;
}> {
  const set = JSON.parse(fs.readFileSync(path.join(BENCH_DIR, 'seed-questions.json'), 'utf8')) as {
    seed: string;
    answerable: { id: string; question: string; expect: string[] }[];
    general: string[];
  };
  const file = path.join(SEED_DIR, set.seed);
  const result = {
    right: 0,
    total: set.answerable.length,
    refused: 0,
    general: set.general.length,
    misses: [] as string[],
    generalToModel: 0,
    answerableToModel: 0,
  };
  if (!fs.existsSync(file)) return result;
  const library = Library.open({ dataDir: path.join(root, 'seed'), hnsw: HNSW });
  await ingest({ library, embedder: null }, loadPaths([file]), { collection: SHARED_COLLECTION, chunking: CHUNKING });
  const answerer = answererFor(library, new Retriever(library, null));
  for (const q of set.answerable) {
    const r = await answerer.ask({ question: q.question, collections: FILTER.collections });
    if (r.kind !== 'not_found' && q.expect.some((e) => r.text.includes(e))) result.right++;
    else result.misses.push(`${q.id} ${q.question} → ${r.kind === 'not_found' ? 'refused' : r.text.slice(0, 140)}`);
  }
  for (const question of set.general) {
    const r = await answerer.ask({ question, collections: FILTER.collections });
    if (r.kind === 'not_found') result.refused++;
    else result.misses.push(`general: ${question} → ${r.text.slice(0, 140)}`);
  }
  const model = countingModel();
  const withModel = answererFor(library, new Retriever(library, null), model);
  result.generalToModel = await modelGate(
    withModel,
    model,
    set.general.map((question) => ({ question })),
  );
  result.answerableToModel = await modelGate(withModel, model, set.answerable);
  library.close();
  return result;
}

/** Measured with this bench over the code before issue 15 (one-common-word refusals), side by side on 2026-12-07. */
const BEFORE_ISSUE_15 = 'Before issue 15: 248 answerable and 40 unanswerable.';

/** Measured with this bench at commit e55f884 (passage-first ranking, before story-first and time-aware retrieval). */
const BEFORE_ISSUE_7 = `Before story-first, time-aware retrieval (commit e55f884, same set, all questions): keyword only hit@1 0.633,
hit@5 0.956, MRR@5 0.763; extract mode right answer shown 61.0 %, answerable refused 8.4 %, unanswerable answered 68 %.`;

/** Measured with this bench at commit f59b8aa (story signals from passages only), side by side with the whole-article and headline signals on 2026-12-07 (load average about 7 on 2 CPUs). */
const BEFORE_ISSUE_17 = `Before the whole-article and headline signals (commit f59b8aa, same set, all questions): keyword only hit@1
0.932, hit@5 0.988, MRR@5 0.957; hybrid hit@1 0.892, hit@5 0.980, MRR@5 0.933; extract mode unchanged.`;

async function main(): Promise<void> {
  const set = readSet();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-bench-news-'));
  try {
    progress('loading newsroom/tiny-bert');
    const embedder: Embedder = await loadEmbedder({
      modelId: 'newsroom/tiny-bert',
      cacheDir: path.join(root, 'cache'),
      modelsDir: MODELS_DIR,
    });
    const library = Library.open({ dataDir: path.join(root, 'data'), hnsw: HNSW });
    const dirs = set.desks.map((d) => path.join(NEWS_DIR, d, 'articles'));
    const summary = await ingest({ library, embedder }, loadPaths(dirs), { collection: SHARED_COLLECTION, chunking: CHUNKING });
    progress(`ingested ${summary.added} articles, ${summary.chunks} chunks, ${summary.failed} failed`);

    const keyword = new Retriever(library, null);
    const hybrid = new Retriever(library, embedder);
    const modes: [string, Rank][] = [
      ['keyword only', async (q) => distinctArticles((await keyword.search(q.question, { k: 10, filter: FILTER, asOf: q.asOf })).passages)],
      [
        'dense only',
        async (q) => {
          const neighbors = library.denseSearch(await embedder.embedQuery(q.question), 40, { ...FILTER, asOf: q.asOf });
          return distinctArticles(library.catalog.chunkRecords(neighbors.map((n) => n.id)));
        },
      ],
      ['hybrid', async (q) => distinctArticles((await hybrid.search(q.question, { k: 10, filter: FILTER, asOf: q.asOf })).passages)],
    ];
    const splits: [string, Answerable[], Unanswerable[]][] = [
      ['dev', set.answerable.filter((q) => q.split === 'dev'), set.unanswerable.filter((q) => q.split === 'dev')],
      ['test', set.answerable.filter((q) => q.split === 'test'), set.unanswerable.filter((q) => q.split === 'test')],
      ['all', set.answerable, set.unanswerable],
    ];
    const retrievalRows: string[][] = [];
    for (const [split, questions] of splits) {
      for (const [name, rank] of modes) retrievalRows.push(await retrievalRow(`${name}, ${split}`, questions, rank));
      progress(`retrieval ${split} done`);
    }
    const timed = set.answerable.filter((q) => q.time !== 'none');
    for (const [name, rank] of modes)
      retrievalRows.push(await retrievalRow(`${name}, questions with time words (${timed.length})`, timed, rank));

    const answerer = answererFor(library, keyword);
    const answerRows: string[][] = [];
    let all: AnswerFigures | null = null;
    for (const [split, answerable, unanswerable] of splits) {
      const f = await answerFigures(answerer, answerable, unanswerable);
      answerRows.push([
        split,
        pct(f.shown, f.answerable),
        pct(f.refused, f.answerable),
        pct(f.inPassages, f.answerable),
        pct(f.unanswered, f.unanswerable),
      ]);
      if (split === 'all') all = f;
      progress(`answers ${split} done`);
    }
    const model = countingModel();
    const gated = answererFor(library, keyword, model);
    const gate = {
      answerable: await modelGate(gated, model, set.answerable),
      unanswerable: await modelGate(gated, model, set.unanswerable),
    };
    library.close();
    await unloadEmbedders();
    const seed = await seedFigures(root);

    const whyRows = Object.entries(all?.byWhy ?? {}).map(([why, [answered, total]]) => [why, pct(answered, total)]);
    const markdown = `## Real-news evaluation (\`npm run bench:news\`)

${machineLine()}

The project's own evaluation set in \`bench/news/\` (${set.desks.join(' and ')} desks): ${summary.added} wire-style articles written for
this project (${summary.chunks} chunks), ${set.answerable.length} dated questions with a short answer and ${set.unanswerable.length} that the articles
cannot answer (not covered, only answered after the question's date, general knowledge, an empty date window). Every
question is asked as of its date (\`--as-of\`). \`dev\` is the half the scoring weights were tuned on; \`test\` was held back.

### Retrieval: the answering article among the distinct articles of \`search --k 10\`

Dense and hybrid use the tiny test model (bag-of-words plumbing, not meaning); keyword only is the mode that runs
without the embedding model.

${table(['search, questions', 'hit@1', 'hit@5', 'MRR@5'], retrievalRows)}

${BEFORE_ISSUE_17}

### Extract mode (no LLM), keyword-only search

${table(['questions', 'right answer shown', 'answerable refused', 'answer in passages', 'unanswerable answered'], answerRows)}

Unanswerable questions answered, by why they cannot be answered: ${whyRows.map(([why, share]) => `${why} ${share}`).join(' · ')}.

${BEFORE_ISSUE_7}

With a model (a stand-in that counts calls), keyword-only search: ${gate.answerable} of ${set.answerable.length} answerable questions reach
the model (the rest are refused before any call), and ${gate.unanswerable} of ${set.unanswerable.length} unanswerable ones do. ${BEFORE_ISSUE_15}

### The real seed article alone (\`../shared/seeds\`, \`bench/seed-questions.json\`)

Extract mode, keyword-only: ${seed.right} of ${seed.total} plain questions answered with the right sentence (several phrased
unlike the article); ${seed.refused} of ${seed.general} general-knowledge questions refused.
Before: 4 of 15 answered. With a model: ${seed.answerableToModel} of ${seed.total} plain questions and ${seed.generalToModel} of ${seed.general} general-knowledge
questions reach it (before issue 15: "What is the capital of Australia?" did, on the article's "the Turkish capital Ankara").
`;
    if (write) writeResultsSection('news', markdown);
    process.stdout.write(`${markdown}\n`);
    if (all) process.stdout.write(`\nMisses:\n${all.misses.join('\n')}\n${seed.misses.join('\n')}\n`);
    if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ retrievalRows, answerRows, whyRows, gate, seed }, null, 2));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
