/**
 * `npm run bench:quality`: retrieval quality over the shipped articles/ and the questions in
 * bench/questions.json. Ingests into a temp DATA_DIR and reports hit@1/3/5 for keyword-only,
 * dense-only and hybrid search. A hit is a returned passage of the right article whose text
 * contains the whole answer sentence.
 *
 * `--model=<id> --models-dir=<folder>` runs another model (default: the tiny test model, which
 * checks the plumbing only: its vectors are bag-of-words, not semantics).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadPaths } from '../src/articles/load.ts';
import type { Embedder } from '../src/embeddings/embedder.ts';
import { loadEmbedder, unloadEmbedders } from '../src/embeddings/transformers.ts';
import { ingest } from '../src/ingest.ts';
import type { Passage } from '../src/retrieval/passage.ts';
import { Retriever } from '../src/retrieval/search.ts';
import { Library } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { HNSW } from './corpus.ts';
import { BENCH_DIR, machineLine, progress, writeResultsSection } from './results.ts';
import { table } from './stats.ts';

const args = process.argv.slice(2);
function option(name: string): string | undefined {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}
const ROOT = path.dirname(BENCH_DIR);
const MODEL = option('model') ?? 'newsroom/tiny-bert';
const MODELS_DIR = option('models-dir') ?? path.join(ROOT, 'test', 'fixtures', 'models');
const ARTICLES_DIR = path.join(ROOT, 'articles');
const QUESTIONS_FILE = path.join(BENCH_DIR, 'questions.json');
const CHUNKING = { targetTokens: 200, overlapTokens: 30 };
const DEPTHS = [1, 3, 5] as const;
const K = 5;
const PER_ARTICLE = 3;
const FILTER = { collections: [SHARED_COLLECTION] };

interface Question {
  id: string;
  question: string;
  articleId: string;
  answer: string;
}

function readQuestions(): Question[] {
  const data = JSON.parse(fs.readFileSync(QUESTIONS_FILE, 'utf8')) as { answerable?: unknown };
  if (!Array.isArray(data.answerable)) throw new Error(`${QUESTIONS_FILE} has no "answerable" list`);
  return data.answerable.map((item, i) => {
    const q = item as Partial<Question>;
    if (typeof q.question !== 'string' || typeof q.articleId !== 'string' || typeof q.answer !== 'string') {
      throw new Error(`${QUESTIONS_FILE}: answerable[${i}] needs question, articleId and answer strings`);
    }
    return { id: q.id ?? `#${i}`, question: q.question, articleId: q.articleId, answer: q.answer };
  });
}

/** Whitespace-insensitive containment (chunk boundaries and paragraph joins may differ in spacing). */
function squeeze(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function isHit(passage: Pick<Passage, 'articleId' | 'text'>, question: Question): boolean {
  return passage.articleId === question.articleId && squeeze(passage.text).includes(squeeze(question.answer));
}

/** Keeps at most `cap` items per group, in order (the per-article cap, for the dense-only row). */
function capPerGroup<T>(items: readonly T[], groupOf: (item: T) => string, cap: number): T[] {
  const counts = new Map<string, number>();
  return items.filter((item) => {
    const group = groupOf(item);
    counts.set(group, (counts.get(group) ?? 0) + 1);
    return (counts.get(group) ?? 0) <= cap;
  });
}

type Mode = 'keyword only' | 'dense only' | 'hybrid';
type Search = (question: string) => Promise<Pick<Passage, 'articleId' | 'text'>[]>;

function searches(library: Library, embedder: Embedder): Record<Mode, Search> {
  const keyword = new Retriever(library, null);
  const hybrid = new Retriever(library, embedder);
  return {
    'keyword only': async (q) => (await keyword.search(q, { k: K, filter: FILTER, perArticle: PER_ARTICLE })).passages,
    // The dense half of the Retriever on its own, with the same per-article cap.
    'dense only': async (q) => {
      const neighbors = library.denseSearch(await embedder.embedQuery(q), Math.max(4 * K, 40), FILTER);
      const records = new Map(library.catalog.chunkRecords(neighbors.map((n) => n.id)).map((r) => [r.chunkId, r]));
      const ranked = neighbors.flatMap((n) => records.get(n.id) ?? []);
      return capPerGroup(ranked, (r) => r.articleId, PER_ARTICLE).slice(0, K);
    },
    hybrid: async (q) => (await hybrid.search(q, { k: K, filter: FILTER, perArticle: PER_ARTICLE })).passages,
  };
}

async function main(): Promise<void> {
  const questions = readQuestions();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-bench-quality-'));
  try {
    progress(`loading ${MODEL}`);
    const embedder = await loadEmbedder({ modelId: MODEL, cacheDir: path.join(root, 'cache'), modelsDir: MODELS_DIR });
    const library = Library.open({ dataDir: path.join(root, 'data'), hnsw: HNSW });
    const summary = await ingest({ library, embedder }, loadPaths([ARTICLES_DIR]), { collection: SHARED_COLLECTION, chunking: CHUNKING });
    progress(`ingested ${summary.added} articles, ${summary.chunks} chunks, ${summary.failed} failed`);

    // Questions no search can hit: the answer is not in the stored article, or no chunk holds all of it.
    const problems: string[] = [];
    for (const q of questions) {
      const body = library.catalog.getBody(SHARED_COLLECTION, q.articleId);
      if (body === undefined) problems.push(`${q.id}: article "${q.articleId}" is not in the library`);
      else if (!squeeze(body).includes(squeeze(q.answer))) problems.push(`${q.id}: answer sentence not found in "${q.articleId}"`);
      else if (!library.catalog.chunksOfArticle(SHARED_COLLECTION, q.articleId).some((c) => isHit(c, q))) {
        problems.push(`${q.id}: answer sentence split across chunks of "${q.articleId}"`);
      }
    }

    const rows: string[][] = [];
    for (const [mode, search] of Object.entries(searches(library, embedder)) as [Mode, Search][]) {
      const hits = new Map<number, number>(DEPTHS.map((d) => [d, 0]));
      let reciprocalRanks = 0;
      for (const q of questions) {
        const passages = await search(q.question);
        const rank = passages.findIndex((p) => isHit(p, q)) + 1;
        if (rank > 0) reciprocalRanks += 1 / rank;
        for (const d of DEPTHS) if (rank > 0 && rank <= d) hits.set(d, (hits.get(d) ?? 0) + 1);
      }
      const share = (n: number) => `${(n / questions.length).toFixed(2)} (${n})`;
      rows.push([mode, ...DEPTHS.map((d) => share(hits.get(d) ?? 0)), (reciprocalRanks / questions.length).toFixed(3)]);
    }
    library.close();
    await unloadEmbedders();

    const tiny = MODEL === 'newsroom/tiny-bert';
    const markdown = `## Retrieval quality (\`npm run bench:quality\`)

${machineLine()}

${summary.added} articles from \`articles/\` (${summary.chunks} chunks of ≤ ${CHUNKING.targetTokens} tokens, ${CHUNKING.overlapTokens} overlap) and the
${questions.length} answerable questions of \`bench/questions.json\`, model \`${MODEL}\`. A hit is a returned passage of the right
article whose text contains the whole answer sentence; top ${K} passages, at most ${PER_ARTICLE} per article. "Dense only" is
\`Library.denseSearch\` with the same cap; "keyword only" is the Retriever without an embedder (FTS5 BM25).

${table(['search', ...DEPTHS.map((d) => `hit@${d}`), 'MRR@5'], rows)}

${problems.length === 0 ? 'Every answer sentence lies whole inside at least one stored chunk.' : `Questions no search can hit (counted as misses):\n\n${problems.map((p) => `- ${p}`).join('\n')}`}
${
  tiny
    ? `
**The tiny model checks plumbing only, not semantic quality**: \`newsroom/tiny-bert\` is a bag-of-words stand-in with a
4,089-word vocabulary and no attention layers. Its dense and hybrid rows show that embedding, the vector index,
fusion and the hit accounting work end to end; they say nothing about how a real model ranks. Run
\`npm run bench:quality -- --model=Xenova/bge-small-en-v1.5 --models-dir=<folder>\` with real model files for that.`
    : ''
}
`;
    writeResultsSection('quality', markdown);
    process.stdout.write(`${markdown}\n`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
