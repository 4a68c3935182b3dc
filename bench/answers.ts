// `npm run bench:answers`: the figures of grounded answering.
//  1. Retrieval + prompt assembly + citation checks per question at 100,000 chunks, LLM excluded.
//  2. Streaming: how long after the fake LLM writes its first token the console prints it.
//  3. Answer checks over bench/questions.json, in extract mode and with a fake LLM.
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Answerer } from '../src/answering/answerer.ts';
import type { AnswerResult } from '../src/answering/types.ts';
import { PROMPTS_DIR } from '../src/app.ts';
import { runChat } from '../src/cli/chat.ts';
import { loadPrompts } from '../src/llm/prompts.ts';
import type { LlmClient } from '../src/llm/types.ts';
import { Retriever } from '../src/retrieval/search.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { startFakeOpenAI, type ChatRequestBody } from '../test/fakes/openai-server.ts';
import { createTestApp, passageFromPrompt, userMessage } from '../test/support/app.ts';
import { buildLibrary, FILTER, makeCorpus, PrecomputedQueryEmbedder, queryText } from './corpus.ts';
import { machineLine, OUT_DIR, progress, writeResultsSection } from './results.ts';
import { latency, mark, ms, percent, table } from './stats.ts';

const CHUNKS = Number(process.env.BENCH_ANSWER_CHUNKS ?? 100_000);
const QUERIES = 300;

/** An LLM that answers at once, citing passage 1: isolates everything but the model. */
const instantModel: LlmClient = {
  model: 'instant-stub',
  async complete(request) {
    const prompt = request.messages.find((m) => m.role === 'user')?.content ?? '';
    const passage = passageFromPrompt(prompt, 1);
    return {
      ok: true,
      text: `${passage.split(/(?<=[.!?])\s/)[0] ?? passage} [1]`,
      finishReason: 'stop',
      usage: null,
      model: 'instant-stub',
      ms: 0,
      attempts: 1,
    };
  },
};

async function overheadAtScale(): Promise<string> {
  progress(`building a ${CHUNKS.toLocaleString('en-US')}-chunk library (vectors precomputed)…`);
  const corpus = makeCorpus(CHUNKS, QUERIES);
  const { library } = await buildLibrary(path.join(OUT_DIR, 'answers-library'), corpus, (done, total) => {
    if (done % 500 === 0) progress(`  ${done}/${total} articles`);
  });
  const retriever = new Retriever(library, new PrecomputedQueryEmbedder(corpus));
  const answerer = new Answerer({
    library,
    retriever,
    llm: instantModel,
    prompts: loadPrompts(PROMPTS_DIR),
    options: { k: 8, perArticle: 3, contextTokens: 3000, minSimilarity: 0.5, maxQuestionChars: 1000 },
  });
  const totals: number[] = [];
  const retrieval: number[] = [];
  let answered = 0;
  for (let q = 0; q < QUERIES; q++) {
    const started = performance.now();
    const result = await answerer.ask({ question: queryText(corpus, q), collections: FILTER.collections });
    const total = performance.now() - started;
    if (q < 20) continue; // warm-up
    totals.push(total);
    retrieval.push(result.timings.retrievalMs);
    if (result.kind === 'answer') answered++;
  }
  library.close();
  const all = latency(totals);
  const search = latency(retrieval);
  return [
    `### Overhead per question at ${CHUNKS.toLocaleString('en-US')} chunks (LLM excluded)`,
    '',
    'Answerer.ask over the synthetic benchmark library (384-d, hybrid search with precomputed query vectors) with an',
    'LLM stub that replies at once: what remains is retrieval, the relevance check, packing passages into the token budget',
    `(o200k tokenizer), prompt rendering and citation verification. ${answered} of ${totals.length} questions went to the model stub.`,
    '',
    table(
      ['stage', 'p50 ms', 'p99 ms'],
      [
        ['retrieval (hybrid search)', ms(search.p50), ms(search.p99)],
        ['whole ask() without the model', ms(all.p50), ms(all.p99)],
      ],
    ),
    '',
    `Target ≤ 30 ms per question: p99 ${ms(all.p99)} ms ${mark(all.p99 <= 30)}`,
  ].join('\n');
}

async function streamingLatency(): Promise<string> {
  const fake = await startFakeOpenAI(() => ({
    text: 'The Kestrel Street Bridge reopened to traffic in April 2026 after 374 days. [1]',
    chunkSize: 4,
    intervalMs: 25,
  }));
  const app = await createTestApp({ OPENAI_BASE_URL: fake.baseURL });
  const gaps: number[] = [];
  try {
    for (let i = 0; i < 30; i++) {
      const input = new PassThrough();
      const output = new PassThrough();
      let firstPrintedAt: number | undefined;
      output.on('data', (d: Buffer) => {
        if (firstPrintedAt === undefined && d.toString().startsWith('… ')) firstPrintedAt = Date.now();
      });
      const chat = runChat(app, { input, output });
      const before = fake.requests.length;
      input.write('When did the Kestrel Street Bridge reopen?\n');
      input.end('/quit\n');
      await chat;
      const sentAt = fake.requests[before]?.firstTextAt;
      if (sentAt !== undefined && firstPrintedAt !== undefined) gaps.push(firstPrintedAt - sentAt);
    }
  } finally {
    app.close();
    await fake.close();
  }
  const l = latency(gaps);
  return [
    '### Streaming to the local console',
    '',
    'A fake OpenAI-compatible server streams 4 characters every 25 ms over SSE; the real openai client reads it; the',
    'console prints each delta. Measured: from the fake writing its first content chunk to the console printing text,',
    `${gaps.length} runs (Date.now() resolution, 1 ms).`,
    '',
    table(['', 'p50 ms', 'p99 ms', 'max ms'], [['first token → console', ms(l.p50), ms(l.p99), ms(Math.max(...gaps))]]),
    '',
    `Target ≤ 50 ms: ${mark(l.p99 <= 50)}`,
  ].join('\n');
}

interface QuestionSet {
  answerable: { id: string; question: string; articleId: string; answer: string }[];
  unanswerable: { id: string; question: string }[];
}

/** A stand-in model that trusts retrieval: restates and cites every passage sharing most of the question's words. */
function fakeModel(body: ChatRequestBody) {
  const prompt = userMessage(body);
  const question = prompt
    .slice(prompt.lastIndexOf('Question:') + 9)
    .trim()
    .toLowerCase();
  const words = question.match(/[a-z0-9]{4,}/g) ?? [];
  const cited: string[] = [];
  for (let n = 1; n <= 8; n++) {
    const passage = passageFromPrompt(prompt, n);
    if (!passage) break;
    const shared = words.filter((w) => passage.toLowerCase().includes(w)).length;
    if (words.length > 0 && shared / words.length >= 0.6) {
      const sentences = passage.split(/(?<=[.!?]["”]?)\s+/);
      const best = sentences.reduce(
        (a, s) =>
          words.filter((w) => s.toLowerCase().includes(w)).length > words.filter((w) => a.toLowerCase().includes(w)).length ? s : a,
        sentences[0] ?? '',
      );
      cited.push(`${best.replace(/[.!?]["”]?$/, '')} [${n}].`);
    }
    if (cited.length >= 2) break;
  }
  return { text: cited.length > 0 ? cited.join(' ') : 'NOT_IN_ARTICLES' };
}

async function answerChecks(): Promise<string> {
  const set = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'questions.json'), 'utf8')) as QuestionSet;
  const fake = await startFakeOpenAI(fakeModel);
  const rows: string[][] = [];
  for (const [label, env] of [
    ['extract mode (no LLM)', {}],
    ['fake LLM (real openai client)', { OPENAI_BASE_URL: fake.baseURL }],
  ] as const) {
    const app = await createTestApp(env);
    let citesAnswer = 0;
    let refused = 0;
    let shown = 0;
    let verbatim = 0;
    const check = (result: AnswerResult) => {
      for (const c of result.citations) {
        shown++;
        if (app.library.catalog.getBody(c.collection, c.articleId)?.slice(c.start, c.end) === c.excerpt) verbatim++;
      }
    };
    for (const q of set.answerable) {
      const result = await app.answerer.ask({ question: q.question, collections: [SHARED_COLLECTION] });
      check(result);
      const body = app.library.catalog.getBody(SHARED_COLLECTION, q.articleId) ?? '';
      const at = body.indexOf(q.answer);
      const chunks = app.library.catalog.chunksOfArticle(SHARED_COLLECTION, q.articleId);
      const holding = new Set(chunks.filter((c) => c.start <= at && at + q.answer.length <= c.end).map((c) => c.chunkId));
      if (result.kind === 'answer' && result.citations.some((c) => c.articleId === q.articleId && holding.has(c.chunkId))) citesAnswer++;
    }
    for (const q of set.unanswerable) {
      const result = await app.answerer.ask({ question: q.question, collections: [SHARED_COLLECTION] });
      check(result);
      if (result.kind === 'not_found') refused++;
    }
    rows.push([
      label,
      `${percent(citesAnswer / set.answerable.length)} (${citesAnswer}/${set.answerable.length})`,
      `${percent(refused / set.unanswerable.length)} (${refused}/${set.unanswerable.length})`,
      `${percent(shown === 0 ? 1 : verbatim / shown)} (${verbatim}/${shown})`,
    ]);
    app.close();
  }
  await fake.close();
  return [
    '### Answer checks over the question set',
    '',
    `bench/questions.json over articles/: ${set.answerable.length} answerable questions (each with the sentence that answers it) and`,
    `${set.unanswerable.length} the articles cannot answer. Embeddings from the tiny test model (plumbing, not meaning), so retrieval`,
    'leans on BM25 here. "Cites the answer" = the answer cites the chunk that holds the answer sentence. The fake LLM trusts',
    "retrieval: it restates and cites passages sharing most of the question's words, else replies NOT_IN_ARTICLES.",
    '',
    table(['mode', 'cites the answer', 'unanswerable refused', 'excerpts verbatim'], rows),
  ].join('\n');
}

const sections = [machineLine(), '', await answerChecks(), '', await streamingLatency(), '', await overheadAtScale()];
writeResultsSection('answers', `## Grounded answers (\`npm run bench:answers\`)\n\n${sections.join('\n')}`);
process.stdout.write(`${sections.join('\n')}\n`);
