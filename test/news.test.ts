import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { AnswerResult } from '../src/answering/types.ts';
import { SHARED_COLLECTION } from '../src/store/types.ts';
import { createTestApp, ROOT, TINY_MODEL_ENV } from './support/app.ts';
import { newsroomInProcess } from './support/in-process.ts';

/*
 * Time-aware, story-first retrieval and extract-mode answers over a small dated archive
 * (test/fixtures/news: a ferry strike told in three stories, a council vote during it, an older
 * lighthouse story), in keyword-only mode as it runs without the embedding model.
 */
const NEWS = path.join(ROOT, 'test/fixtures/news');
const shared = [SHARED_COLLECTION];
let app: Awaited<ReturnType<typeof createTestApp>>;

before(async () => {
  // An unknown-to-MODELS_DIR model: search is keyword-only, the mode the outside checks measure.
  app = await createTestApp({ EMBEDDING_MODEL: 'Xenova/all-MiniLM-L6-v2' }, NEWS);
  assert.equal(app.embedder, null);
});
after(() => app.close());

const ask = (question: string, asOf: string) => app.answerer.ask({ question, collections: shared, asOf });
const search = (query: string, asOf: string, k = 5) => app.retriever.search(query, { k, filter: { collections: shared }, asOf });
const stories = (passages: readonly { articleId: string }[]) => [...new Set(passages.map((p) => p.articleId))];

function assertQuotes(result: AnswerResult, pattern: RegExp) {
  assert.equal(result.kind, 'answer', `${result.question}: ${result.text}`);
  assert.match(result.text, pattern, result.question);
  for (const c of result.citations) assert.equal(app.library.catalog.getBody(c.collection, c.articleId)?.slice(c.start, c.end), c.excerpt);
}

test('stories first: k passages cover k stories before a second passage of any', async () => {
  const result = await search('ferry strike', '2026-03-20', 3);
  assert.equal(stories(result.passages).length, 3, result.passages.map((p) => p.articleId).join(', '));
});

test('as of a day, later articles are never used', async () => {
  const result = await search('ferry strike crews deal', '2026-03-10', 10);
  assert.ok(result.passages.length > 0);
  assert.ok(
    result.passages.every((p) => (p.published ?? '') <= '2026-03-10T23:59:59Z'),
    stories(result.passages).join(', '),
  );
  assert.equal(result.time.asOf, '2026-03-10');
});

test('the newest of near-equal stories comes first; a far better older match keeps its place', async () => {
  const latest = await search('What is the latest on the ferry strike?', '2026-03-20');
  assert.equal(latest.time.recency, 'latest');
  assert.equal(latest.passages[0]?.articleId, 'ferry-strike-ends');
  const older = await search('Who designed the Gull Point lighthouse?', '2026-03-20');
  assert.equal(older.passages[0]?.articleId, 'lighthouse-history');
});

test('time words become a window of publication dates, named in the answer', async () => {
  const result = await ask('What happened to the ferries this week?', '2026-03-17');
  assert.deepEqual(result.time.window, { from: '2026-03-10', to: '2026-03-17', expression: 'this week' });
  assert.ok(result.passages.length > 0);
  assert.ok(
    result.passages.every((p) => (p.published ?? '') >= '2026-03-10'),
    stories(result.passages).join(', '),
  );
  assert.ok(
    result.notices.some((n) => n.includes('“this week”') && n.includes('2026-03-10')),
    result.notices.join(' | '),
  );
});

test('an empty window, a future window and an as-of day before every article are said plainly', async () => {
  const empty = await ask('What did the council decide yesterday?', '2026-03-20');
  assert.equal(empty.kind, 'not_found');
  assert.ok(
    empty.notices.some((n) => /No stored article published from 2026-03-19 to 2026-03-20 \(“yesterday”\)/.test(n)),
    empty.notices.join(' | '),
  );
  const future = await ask('What will the ferries do next week?', '2026-03-20');
  assert.equal(future.kind, 'not_found');
  assert.ok(
    future.notices.some((n) => /“next week” means .* after 2026-03-20/.test(n)),
    future.notices.join(' | '),
  );
  const early = await ask('Why did the ferry crews strike?', '2020-01-01');
  assert.equal(early.kind, 'not_found');
  assert.ok(
    early.notices.includes('No stored article was published by 2020-01-01 (the earliest is from 2025-06-20).'),
    early.notices.join(' | '),
  );
});

test('extracts answer what was asked: who → a name, how many → the counted thing, the right subject', async () => {
  assertQuotes(await ask("Who is the ferry union's secretary?", '2026-03-03'), /Idris Kovalenko/);
  assertQuotes(await ask('Who designed the Gull Point lighthouse?', '2026-03-20'), /Margit Solberg/);
  // Buses laid on, not the commuters riding them.
  assertQuotes(await ask('How many buses did Bluewake lay on during the strike?', '2026-03-03'), /14 buses/);
  // As of 9 March, the newest count of bus riders.
  assertQuotes(await ask('How many commuters a day are using the replacement buses?', '2026-03-10'), /6,500/);
  // The lede carries the news.
  assertQuotes(await ask('When did the harbour ferries start running again?', '2026-03-20'), /resumed service on Monday/);
});

test('extracts never quote a question from the article', async () => {
  for (const question of ['Who wants a tired skipper at the wheel in fog?', 'What did Kovalenko ask reporters at the terminal?']) {
    const result = await ask(question, '2026-03-03');
    for (const c of result.citations) assert.doesNotMatch(c.excerpt, /\?["”]?\s*$/, question);
  }
});

test('the relevance check: absent ordinary words do not refuse, absent names and general knowledge do', async () => {
  // "urge" appears nowhere in the archive; the strike vote does.
  assertQuotes(await ask('What did the ferry union urge its members to vote for?', '2026-03-03'), /82 percent/);
  // The archive names the lighthouse's last keeper, never its first.
  for (const question of [
    'What is the capital of Australia?',
    'Who painted the Mona Lisa?',
    'What is the population of Port Alder?',
    'Who was the first keeper of the Gull Point lighthouse?',
  ]) {
    assert.equal((await ask(question, '2026-03-20')).kind, 'not_found', question);
  }
});

test('summaries lead with the lede; bullets are distinct points; a topic summary reaches the newest story', async () => {
  const brief = await app.answerer.summarize({ article: 'ferry-strike-begins', length: 'brief', collections: shared, asOf: '2026-03-20' });
  assert.match(brief.text, /^PORT ALDER, March 2 \(Wire\) — Crews on the Port Alder harbour ferries walked out/);
  const standard = await app.answerer.summarize({
    article: 'ferry-strike-talks',
    length: 'standard',
    collections: shared,
    asOf: '2026-03-20',
  });
  const bullets = await app.answerer.summarize({
    article: 'ferry-strike-talks',
    length: 'bullets',
    collections: shared,
    asOf: '2026-03-20',
  });
  assert.match(bullets.text, /^- /m);
  const lines = bullets.text.split('\n');
  assert.equal(new Set(lines).size, lines.length, 'no bullet repeated');
  assert.ok(standard.citations.length > 0 && bullets.citations.length > 0);
  const topic = await app.answerer.summarizeTopic({
    topic: 'harbour ferry strike',
    length: 'standard',
    collections: shared,
    asOf: '2026-03-20',
  });
  assert.ok(
    topic.citations.some((c) => c.articleId === 'ferry-strike-ends'),
    topic.citations.map((c) => c.articleId).join(', '),
  );
  assert.equal(topic.asOf?.slice(0, 10), '2026-03-16');
  assert.ok(topic.notices.includes('As of 2026-03-16, the newest article used.'), topic.notices.join(' | '));
  // A story published after the as-of day cannot be summarized as of then.
  await assert.rejects(
    app.answerer.summarize({ article: 'ferry-strike-ends', length: 'brief', collections: shared, asOf: '2026-03-10' }),
    /was published on 2026-03-16, after 2026-03-10/,
  );
});

/** A `newsroom` command run in this process, on the test app's library. */
function cli(args: string[]) {
  return newsroomInProcess(args, {
    ...TINY_MODEL_ENV,
    EMBEDDING_MODEL: 'Xenova/all-MiniLM-L6-v2',
    DATA_DIR: app.dataDir,
    ARTICLES_DIR: '',
  });
}

test('CLI --as-of: a date that is not a date is a usage error; JSON says which window was applied', async () => {
  for (const bad of ['2026-13-45', 'tomorrow']) {
    const result = await cli(['search', 'ferry', '--as-of', bad]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`--as-of must be a date written YYYY-MM-DD, such as 2026-03-14 \\(got "${bad}"\\)`));
  }
  const searched = await cli(['search', 'ferry strike this week', '--as-of', '2026-03-17', '--json']);
  assert.equal(searched.code, 0, searched.stderr);
  const json = JSON.parse(searched.stdout) as { time: { asOf: string; window: { from: string; to: string; expression: string } | null } };
  assert.deepEqual(json.time, {
    asOf: '2026-03-17',
    window: { from: '2026-03-10', to: '2026-03-17', expression: 'this week' },
    recency: 'recent',
  });
  const early = await cli(['ask', 'Why did the ferry crews strike?', '--as-of', '2020-01-01', '--json']);
  assert.equal(early.code, 0, early.stderr);
  const answer = JSON.parse(early.stdout) as AnswerResult;
  assert.equal(answer.kind, 'not_found');
  assert.match(answer.notices.join(' '), /No stored article was published by 2020-01-01/);
});
