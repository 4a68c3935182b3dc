import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createApp } from '../src/app.ts';
import type { Article } from '../src/articles/article.ts';
import { parseMarkdownArticle } from '../src/articles/formats/markdown.ts';
import { contentHash } from '../src/articles/identity.ts';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import type { EmbeddedChunk } from '../src/store/catalog/catalog.ts';
import { Library } from '../src/store/library.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { syncArticlesDir } from '../src/sync.ts';
import { jaccard, NEAR_DUPLICATE_THRESHOLD, shingles } from '../src/text/near-duplicate.ts';
import { toFtsQuery } from '../src/retrieval/keyword-query.ts';
import { followArticlesDir } from '../src/watch/follow-articles.ts';
import { councilStory } from '../test/support/templated-stories.ts';
import { proseArticle } from './prose.ts';
import { BENCH_DIR, machineLine, writeResultsSection } from './results.ts';
import { ms, percent, percentile, table } from './stats.ts';

/*
 * The live archive (`npm run bench:live`):
 * 1. the near-duplicate detector on examples: lightly edited wire copies (scripted edits of the
 *    145 real-news articles, and one hand-written republication) against different stories on the
 *    same subject (every pair of one story's articles) and templated stories (generated prose,
 *    council stories sharing boilerplate, one fact changed);
 * 2. its cost per article at 10,000 stored articles, of ordinary and of templated news;
 * 3. the time from a file appearing in ARTICLES_DIR to being answerable, with the running app.
 */

const ROOT = path.resolve(BENCH_DIR, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-bench-live-'));
const HNSW = { m: 16, efConstruction: 100, efSearch: 50 };
const TINY_MODEL_ENV = { MODELS_DIR: path.join(ROOT, 'test/fixtures/models'), EMBEDDING_MODEL: 'newsroom/tiny-bert' };

function article(id: string, title: string, body: string, published?: string): Article {
  const a: Article = { id, title, body, tags: [], source: `/bench/live/${id}.md`, contentHash: '' };
  if (published) a.published = published;
  a.contentHash = contentHash(a);
  return a;
}

/** One chunk per paragraph, without embeddings (the detector reads bodies; vectors play no part). */
function paragraphChunks(body: string): EmbeddedChunk[] {
  const chunks: EmbeddedChunk[] = [];
  let start = 0;
  body.split('\n\n').forEach((text, index) => {
    chunks.push({ index, text, start, end: start + text.length, embedding: null });
    start += text.length + 2;
  });
  return chunks;
}

async function store(library: Library, articles: Article[]): Promise<Record<string, number>> {
  const outcomes: Record<string, number> = {};
  await library.write(async (w) => {
    for (const a of articles) {
      const outcome = w.putArticle(a, SHARED_COLLECTION, paragraphChunks(a.body), null);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
  });
  return outcomes;
}

function openLibrary(name: string): Library {
  return Library.open({ dataDir: path.join(work, name), hnsw: HNSW });
}

// ------------------------------------------------------------------ 1. examples

function newsArticles(): Article[] {
  const out: Article[] = [];
  for (const desk of ['world', 'business']) {
    const dir = path.join(BENCH_DIR, 'news', desk, 'articles');
    for (const file of fs.readdirSync(dir).sort()) {
      const parsed = parseMarkdownArticle(fs.readFileSync(path.join(dir, file), 'utf8'), file);
      if (!parsed.ok) throw new Error(parsed.error);
      const fields = parsed.value;
      out.push(article(file.replace(/\.md$/, ''), fields.title ?? file, fields.body, String(fields.published ?? '')));
    }
  }
  return out;
}

/**
 * Edits a republishing newsroom makes to a wire story, each on its own and all together, and
 * whether the copy is then the same story: a copy that adds a name of its own and cuts the
 * original's figures holds facts the other lacks both ways, so merging would drop one.
 */
const DATELINE = /^[A-Z][A-Z .,'-]+, [A-Z][a-z]+ \d+ \(Wire\) — /;
const EDITS: { name: string; expected: 'merged' | 'kept apart'; edit: (paragraphs: string[]) => string[] }[] = [
  { name: 'dateline dropped', expected: 'merged', edit: (p) => [p[0]?.replace(DATELINE, '') ?? '', ...p.slice(1)] },
  { name: 'last paragraph cut', expected: 'merged', edit: (p) => p.slice(0, -1) },
  {
    name: 'a paragraph of its own added',
    expected: 'merged',
    edit: (p) => [...p.slice(0, 2), 'The Gazette has asked for further comment.', ...p.slice(2)],
  },
  {
    name: '"said" → "says", weekdays → "this week"',
    expected: 'merged',
    edit: (p) => p.map((x) => x.replace(/\bsaid\b/g, 'says').replace(/\bon (Monday|Tuesday|Wednesday|Thursday|Friday)\b/g, 'this week')),
  },
  {
    name: 'dateline dropped, "says", and two paragraphs cut',
    expected: 'merged',
    edit: (p) => [p[0]?.replace(DATELINE, '') ?? '', ...p.slice(1, -2)].map((x) => x.replace(/\bsaid\b/g, 'says')),
  },
  {
    name: 'all of these, two paragraphs cut and a credit line naming the Gazette',
    expected: 'kept apart',
    edit: (p) =>
      [p[0]?.replace(DATELINE, '') ?? '', ...p.slice(1, -2), 'Reporting by the Gazette newsroom.'].map((x) =>
        x.replace(/\bsaid\b/g, 'says'),
      ),
  },
];

/** Two days of an automated market report: the same template, other figures. */
const MARKET_REPORTS = [
  [
    'Shares in Harwick closed higher on Tuesday, with the Harwick 100 index rising 42.6 points, or 0.5 per cent, to 8,214.3. Trading volume was 612 million shares, below the 30-day average of 705 million.',
    'Among the biggest gainers were Alder Shipping, up 4.1 per cent, Northgate Foods, up 3.2 per cent, and Kestrel Energy, up 2.8 per cent. The biggest fallers were Brightwater Telecom, down 3.6 per cent, and Lindqvist Retail, down 2.2 per cent.',
    'The pound rose 0.3 per cent against the dollar to 1.2741. The yield on the ten-year government bond fell to 4.12 per cent from 4.15 per cent.',
    'Brent crude oil was little changed at 81.40 dollars a barrel. Gold rose 0.4 per cent to 2,310 dollars an ounce.',
    'This report is generated from exchange data at the close of trading and is updated each weekday.',
  ],
  [
    'Shares in Harwick closed lower on Wednesday, with the Harwick 100 index falling 31.2 points, or 0.4 per cent, to 8,183.1. Trading volume was 688 million shares, below the 30-day average of 702 million.',
    'Among the biggest gainers were Northgate Foods, up 1.9 per cent, Harbour Cement, up 1.5 per cent, and Alder Shipping, up 1.1 per cent. The biggest fallers were Kestrel Energy, down 4.4 per cent, and Carrow Mining, down 3.1 per cent.',
    'The pound fell 0.2 per cent against the dollar to 1.2716. The yield on the ten-year government bond rose to 4.16 per cent from 4.12 per cent.',
    'Brent crude oil fell 1.3 per cent to 80.34 dollars a barrel. Gold was little changed at 2,309 dollars an ounce.',
    'This report is generated from exchange data at the close of trading and is updated each weekday.',
  ],
].map((p) => p.join('\n\n'));

function stats(values: number[]): string[] {
  const sorted = [...values].sort((a, b) => a - b);
  return [
    String(values.length),
    (sorted[0] ?? NaN).toFixed(2),
    percentile(sorted, 5).toFixed(2),
    percentile(sorted, 50).toFixed(2),
    (sorted[sorted.length - 1] ?? NaN).toFixed(2),
  ];
}

async function examples(): Promise<string> {
  const news = newsArticles();
  const library = openLibrary('examples');
  const stored = await store(library, news);
  const falseMergesNews = stored.duplicate ?? 0;

  const rows: string[][] = [];
  const copyRows: string[][] = [];
  let copies = 0;
  let detected = 0;
  const allCopyScores: number[] = [];
  for (const { name, expected, edit } of EDITS) {
    const scores: number[] = [];
    let found = 0;
    for (const original of news) {
      const body = edit(original.body.split('\n\n')).join('\n\n');
      scores.push(jaccard(shingles(original.body), shingles(body)));
      // A headline of its own: the copy must be recognised by its lede and its facts.
      if (library.catalog.duplicateOf(SHARED_COLLECTION, body, `Gazette: ${original.title.toLowerCase()}`)?.articleId === original.id)
        found++;
    }
    if (expected === 'merged') {
      copies += news.length;
      detected += found;
      allCopyScores.push(...scores);
    }
    copyRows.push([name, ...stats(scores), expected, `${found}/${news.length}`]);
  }
  const fixture = (name: string) => {
    const parsed = parseMarkdownArticle(fs.readFileSync(path.join(ROOT, 'test/fixtures/live', name), 'utf8'), name);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.value.body;
  };
  const wire = fixture('ferry-wire.md');
  const republished = fixture('ferry-wire-republished.md');
  const handScore = jaccard(shingles(wire), shingles(republished));
  const handLibrary = openLibrary('hand');
  await store(handLibrary, [
    article('ferry-wire', 'Harbour ferry operator orders two battery-electric vessels', wire, '2026-05-04T08:00:00Z'),
  ]);
  const handFound =
    handLibrary.catalog.duplicateOf(SHARED_COLLECTION, republished, 'Eastmoor crossing to go electric as ferry firm buys two new ships')
      ?.articleId === 'ferry-wire';
  handLibrary.close();
  copyRows.push([
    'hand-written republication (test/fixtures/live)',
    '1',
    handScore.toFixed(2),
    handScore.toFixed(2),
    handScore.toFixed(2),
    handScore.toFixed(2),
    'merged',
    handFound ? '1/1' : '0/1',
  ]);

  // Different stories on one subject: every pair within a story's cluster of articles (same id stem).
  const clusterOf = (id: string) => id.split('-').slice(0, 2).join('-');
  const sameSubject: number[] = [];
  for (let i = 0; i < news.length; i++) {
    for (let k = i + 1; k < news.length; k++) {
      const a = news[i] as Article;
      const b = news[k] as Article;
      if (clusterOf(a.id) === clusterOf(b.id)) sameSubject.push(jaccard(shingles(a.body), shingles(b.body)));
    }
  }
  const kestrel = ['kestrel-bridge-closure-announced', 'kestrel-bridge-reopens', 'kestrel-bridge-repair-costs-rise'].map((id) => {
    const parsed = parseMarkdownArticle(fs.readFileSync(path.join(ROOT, 'articles', `${id}.md`), 'utf8'), id);
    if (!parsed.ok) throw new Error(parsed.error);
    return shingles(parsed.value.body);
  });
  const kestrelScores = [
    jaccard(kestrel[0] as Set<number>, kestrel[1] as Set<number>),
    jaccard(kestrel[0] as Set<number>, kestrel[2] as Set<number>),
    jaccard(kestrel[1] as Set<number>, kestrel[2] as Set<number>),
  ];
  const market = jaccard(shingles(MARKET_REPORTS[0] as string), shingles(MARKET_REPORTS[1] as string));

  // Templated stories: 2,000 articles of bench/prose.ts, stored (every merge would be a false one).
  const prose = Array.from({ length: 2000 }, (_, i) => proseArticle(i));
  const proseShingles = prose.slice(0, 400).map((p) => shingles(p.body));
  const proseScores: number[] = [];
  for (let i = 0; i < proseShingles.length; i++)
    for (let k = i + 1; k < proseShingles.length; k++)
      proseScores.push(jaccard(proseShingles[i] as Set<number>, proseShingles[k] as Set<number>));
  const proseLibrary = openLibrary('prose');
  const proseStored = await store(
    proseLibrary,
    prose.map((p) => article(p.id, p.title, p.body, p.published)),
  );
  proseLibrary.close();
  const marketLibrary = openLibrary('market');
  const marketStored = await store(
    marketLibrary,
    MARKET_REPORTS.map((body, i) => article(`markets-day-${i + 1}`, `Markets close, day ${i + 1}`, body)),
  );
  marketLibrary.close();
  library.close();
  const council = await councilExamples();

  rows.push([
    "different stories on one subject (real-news set, every pair of a story's articles)",
    ...stats(sameSubject),
    `${falseMergesNews} merged of ${news.length} stored`,
  ]);
  rows.push(['different stories on one subject (the three Kestrel Street Bridge articles)', ...stats(kestrelScores), '–']);
  rows.push([
    'templated stories (bench/prose.ts, pairs of the first 400)',
    ...stats(proseScores),
    `${proseStored.duplicate ?? 0} merged of 2,000 stored`,
  ]);
  rows.push(['two days of a templated market report', ...stats([market]), `${marketStored.duplicate ?? 0} merged of 2 stored`]);
  rows.push(...council.rows);

  return [
    `### The detector on examples`,
    '',
    `Shingles are word 5-grams of the body (lower-cased, punctuation ignored); two bodies are the same story from a`,
    `shingle Jaccard of ${NEAR_DUPLICATE_THRESHOLD} when they are the same story: their figures, dates and names agree (one's mentions all in the`,
    'other) and they open alike (the same headline, or most of the lede). Lightly edited copies: each of the',
    `${news.length} real-news articles (bench/news) edited the way a republishing newsroom does, given a headline of its own, then`,
    'looked up in a library holding the originals through the real path (MinHash bands, signature screen, exact',
    'Jaccard, facts): "found" counts the copies matched to their original.',
    '',
    table(['lightly edited copy', 'pairs', 'min J', 'p5 J', 'median J', 'max J', 'expected', 'found'], copyRows),
    '',
    `Found ${detected} of ${copies} scripted copies expected to merge (${percent(detected / copies)}); the lowest Jaccard of those was ${Math.min(...allCopyScores).toFixed(2)}.`,
    "A copy that cuts the original's figures and adds a name of its own is kept apart: either version cited alone would",
    'lose a fact of the other, so readers get both (a near-duplicate result) rather than lose one.',
    '',
    table(['must stay apart', 'pairs', 'min J', 'p5 J', 'median J', 'max J', 'merged when stored'], rows),
    '',
    `Templated council stories: ${council.aboveThreshold} of ${council.pairs} pairs score at or above ${NEAR_DUPLICATE_THRESHOLD}: on wording alone, as before the`,
    'facts were compared, they would have been merged (the defect in issue 15: 121 stories became 51).',
  ].join('\n');
}

/**
 * Council stories generated from one template (test/support/templated-stories.ts): 121 stored in
 * three batches, and 120 variants of stored ones with one fact changed (amount, date or ward).
 */
async function councilExamples(): Promise<{ rows: string[][]; pairs: number; aboveThreshold: number }> {
  const stories = Array.from({ length: 121 }, (_, i) => councilStory(i));
  const sets = stories.map((s) => shingles(s.body));
  const scores: number[] = [];
  for (let i = 0; i < sets.length; i++)
    for (let k = i + 1; k < sets.length; k++) scores.push(jaccard(sets[i] as Set<number>, sets[k] as Set<number>));
  const library = openLibrary('council');
  const merged = { stored: 0, variants: 0 };
  for (const batch of [stories.slice(0, 40), stories.slice(40, 80), stories.slice(80)]) {
    merged.stored +=
      (
        await store(
          library,
          batch.map((s) => article(s.id, s.title, s.body, '2026-03-02')),
        )
      ).duplicate ?? 0;
  }
  const variants = stories.slice(0, 40).flatMap((s) => {
    const [lede = '', ...rest] = s.body.split('\n\n');
    return [
      lede.replace(s.amount, '12.5 million dollars'),
      lede.replace(s.date, 'December 31'),
      lede.replace(/ in [A-Z][a-z]+(?: Quay)? on /, ' in Kingsbridge on '),
    ].map((changed, k) => ({ ...s, id: `${s.id}-variant-${k}`, body: [changed, ...rest].join('\n\n') }));
  });
  const variantScores = variants.map((v, i) => jaccard(shingles(v.body), sets[Math.floor(i / 3)] as Set<number>));
  merged.variants =
    (
      await store(
        library,
        variants.map((v) => article(v.id, v.title, v.body, '2026-03-03')),
      )
    ).duplicate ?? 0;
  const reachable = stories.filter(
    (s) => library.keywordSearch(toFtsQuery(s.code) ?? '', 1, { collections: [SHARED_COLLECTION] }).length > 0,
  ).length;
  library.close();
  return {
    rows: [
      [
        'templated council stories: own headline, amount, date and code, four boilerplate paragraphs shared',
        ...stats(scores),
        `${merged.stored} merged of 121 stored in three batches; ${reachable}/121 codes found`,
      ],
      [
        'a stored council story with one fact changed (amount, date or ward)',
        ...stats(variantScores),
        `${merged.variants} merged of ${variants.length} stored`,
      ],
    ],
    pairs: scores.length,
    aboveThreshold: scores.filter((x) => x >= NEAR_DUPLICATE_THRESHOLD).length,
  };
}

// ------------------------------------------------------------------ 2. cost at 10k

interface CostFigures {
  buildSeconds: number;
  lookups: number[];
  copyLookups: number[];
  found: number;
  copies: number;
  stores: number[];
  extraBytes: number;
  fileBytes: number;
  articles: number;
}

/** A library of `total` articles made by `make`, then lookups of 300 new ones, their storing, and lookups of 100 edited copies. */
async function costOf(name: string, total: number, make: (i: number) => Article): Promise<CostFigures> {
  const library = openLibrary(name);
  const started = performance.now();
  for (let from = 0; from < total; from += 1000)
    await store(
      library,
      Array.from({ length: 1000 }, (_, k) => make(from + k)),
    );
  const buildSeconds = (performance.now() - started) / 1000;

  const probes = Array.from({ length: 300 }, (_, i) => make(total + i));
  const lookups: number[] = [];
  for (const a of probes) {
    const t = performance.now();
    library.catalog.duplicateOf(SHARED_COLLECTION, a.body, a.title);
    lookups.push(performance.now() - t);
  }
  // The same 300 with one paragraph changed: copies to find.
  const copies = probes
    .slice(0, 100)
    .map((a) => ({ ...a, body: a.body.replace(/\.\n\n/, '. The council will meet again next week.\n\n') }));
  const stores: number[] = [];
  await library.write(async (w) => {
    for (const a of probes) {
      const t = performance.now();
      w.putArticle(a, SHARED_COLLECTION, paragraphChunks(a.body), null);
      stores.push(performance.now() - t);
    }
  });
  const copyLookups: number[] = [];
  let found = 0;
  for (const c of copies) {
    const t = performance.now();
    if (library.catalog.duplicateOf(SHARED_COLLECTION, c.body, c.title)?.articleId === c.id) found++;
    copyLookups.push(performance.now() - t);
  }
  library.close();
  const db = path.join(work, name, 'library.sqlite');
  const bytes = tableBytes(db);
  const extraBytes = [
    'article_sources',
    'sqlite_autoindex_article_sources_1',
    'article_sources_article',
    'article_fingerprints',
    'article_fingerprints_text',
    'article_bands',
  ].reduce((sum, table) => sum + (bytes.get(table) ?? 0), 0);
  return {
    buildSeconds,
    lookups,
    copyLookups,
    found,
    copies: copies.length,
    stores,
    extraBytes,
    fileBytes: fs.statSync(db).size,
    articles: total + probes.length,
  };
}

function costRows(label: string, f: CostFigures): string[][] {
  const mean = (xs: number[]) => ms(xs.reduce((sum, x) => sum + x, 0) / xs.length);
  return [
    [`${label}: duplicate lookup, a new story (no match)`, ms(percentile(f.lookups, 50)), ms(percentile(f.lookups, 95)), mean(f.lookups)],
    [
      `${label}: duplicate lookup, an edited copy (found ${f.found}/${f.copies})`,
      ms(percentile(f.copyLookups, 50)),
      ms(percentile(f.copyLookups, 95)),
      mean(f.copyLookups),
    ],
    [
      `${label}: whole store of a new article (rows, chunks, FTS5, sources, fingerprint; lookup included)`,
      ms(percentile(f.stores, 50)),
      ms(percentile(f.stores, 95)),
      mean(f.stores),
    ],
  ];
}

async function cost(): Promise<string> {
  const total = 10_000;
  const prose = await costOf('cost', total, (i) => {
    const p = proseArticle(i);
    return article(p.id, p.title, p.body, p.published);
  });
  const council = await costOf('cost-council', total, (i) => {
    const c = councilStory(i);
    return article(c.id, c.title, c.body, '2026-03-02');
  });
  return [
    `### Cost at ${total.toLocaleString('en-US')} articles`,
    '',
    `Two libraries of ${total.toLocaleString('en-US')} articles, keyword-only (no model time): generated prose (bench/prose.ts: 300–1,000`,
    `words, every story sharing template phrases; built in ${prose.buildSeconds.toFixed(0)} s), and templated council stories`,
    `(test/support/templated-stories.ts: four boilerplate paragraphs shared by all, shingle Jaccard about 0.8 between any two; built in ${council.buildSeconds.toFixed(0)} s),`,
    'the worst case for the detector, since every story shares half its bands with every other. A lookup fingerprints the',
    'body (90 MinHash values over its shingles), reads the newest 256 articles of each of its 30 bands, counts the bands',
    'each shares, screens the 200 sharing the most by signature, compares at most 50 exactly, and compares the facts of',
    'the 8 most similar.',
    '',
    table(['per article', 'p50 ms', 'p95 ms', 'mean ms'], [...costRows('prose', prose), ...costRows('council', council)]),
    '',
    `Space: sources, fingerprints and band entries take ${(prose.extraBytes / prose.articles / 1024).toFixed(2)} KB an article (prose; ${(prose.extraBytes / 1024 / 1024).toFixed(1)} MB of`,
    `${(prose.fileBytes / 1024 / 1024).toFixed(0)} MB), next to the ~30 KB of a 20-chunk article's embeddings.`,
  ].join('\n');
}

function tableBytes(file: string): Map<string, number> {
  // better-sqlite3 is built with the dbstat virtual table.
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all() as { name: string; bytes: number }[];
    return new Map(rows.map((r) => [r.name, r.bytes]));
  } finally {
    db.close();
  }
}

// ------------------------------------------------------------------ 3. latency

async function latency(settleMs: number, repeats: number): Promise<{ samples: number[]; answered: number }> {
  const articlesDir = path.join(work, `articles-${settleMs}`);
  fs.mkdirSync(articlesDir, { recursive: true });
  for (let i = 0; i < 20; i++) {
    const p = proseArticle(20_000 + i);
    fs.writeFileSync(path.join(articlesDir, `${p.id}.md`), `---\ntitle: "${p.title}"\npublished: ${p.published}\n---\n\n${p.body}\n`);
  }
  const config = loadConfig(
    { ...TINY_MODEL_ENV, DATA_DIR: path.join(work, `data-${settleMs}`), ARTICLES_DIR: articlesDir, WATCH_SETTLE_MS: String(settleMs) },
    ROOT,
  );
  const app = await createApp(config, silentLogger);
  const watcher = followArticlesDir(app, () => undefined);
  await syncArticlesDir(app);
  watcher?.resume();
  const samples: number[] = [];
  let answered = 0;
  try {
    for (let r = 0; r < repeats; r++) {
      // A story of its own each time (a near-copy of the last one would be stored as its duplicate).
      const word = `zorvelline${r}x${settleMs}`;
      const body = `The harbour commission named the new pilot boat the ${word} on Tuesday.\n\n${proseArticle(30_000 + r).body}`;
      const temp = path.join(articlesDir, `.incoming-${r}.md.tmp`);
      fs.writeFileSync(temp, `---\ntitle: "Pilot boat named ${word}"\npublished: 2026-06-0${1 + (r % 9)}\n---\n\n${body}\n`);
      const started = performance.now();
      fs.renameSync(temp, path.join(articlesDir, `pilot-boat-${r}.md`));
      const match = toFtsQuery(word) ?? '';
      while (app.library.keywordSearch(match, 1, { collections: [SHARED_COLLECTION] }).length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (performance.now() - started > 60_000) throw new Error(`${word} never became searchable`);
      }
      samples.push(performance.now() - started);
      const answer = await app.answerer.ask({
        question: `What did the harbour commission name the ${word}?`,
        collections: [SHARED_COLLECTION],
        asOf: '2026-06-30',
      });
      if (answer.citations.some((c) => c.excerpt.includes(word))) answered++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await watcher?.stop();
    app.close();
  }
  return { samples, answered };
}

async function main(): Promise<void> {
  try {
    const phase = (name: string) => process.stderr.write(`live: ${name} (${((performance.now() - began) / 1000).toFixed(0)} s)\n`);
    const began = performance.now();
    const loadBefore = os.loadavg()[0]?.toFixed(1);
    phase('duplicate examples');
    const exampleSection = await examples();
    phase('cost at 10k');
    const costSection = await cost();
    phase('watched folder latency');
    const repeats = 20;
    const rows: string[][] = [];
    for (const settle of [1000, 200]) {
      const { samples, answered } = await latency(settle, repeats);
      rows.push([
        `${settle}${settle === 1000 ? ' (default)' : ''}`,
        String(samples.length),
        ms(percentile(samples, 50)),
        ms(percentile(samples, 95)),
        ms(Math.max(...samples)),
        `${answered}/${repeats}`,
      ]);
    }
    const section = [
      '## The live archive (`npm run bench:live`)',
      '',
      `${machineLine()} · load average ${loadBefore} before the run, ${os.loadavg()[0]?.toFixed(1)} after (other work on the machine inflates the timings)`,
      '',
      exampleSection,
      '',
      costSection,
      '',
      '### From a file appearing in ARTICLES_DIR to answerable',
      '',
      'The running app (createApp, the watched folder as `npm start` runs it; tiny test model, extract mode) over 20',
      'articles; a new article is written under a hidden temp name and renamed into the folder (as editors and CMS',
      'exports save), and the clock runs from the rename until keyword search finds its one unique word (polled every',
      '5 ms); the question is then asked and must cite it. The time is the debounce (a third of the settle time, at',
      'most 300 ms), the settle time (size and modification time unchanged for that long), then the ingest.',
      '',
      table(['WATCH_SETTLE_MS', 'files', 'p50 ms', 'p95 ms', 'max ms', 'answered with it cited'], rows),
    ].join('\n');
    writeResultsSection('live', section);
    process.stdout.write(`${section}\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
