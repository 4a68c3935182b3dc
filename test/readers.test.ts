import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Citation } from '../src/store/types.ts';
import { digestSlot, weeklyDigest } from '../src/readers/digest.ts';
import { groupQuestions, questionWords, SAME_QUESTION } from '../src/readers/question-groups.ts';
import { AnswerLog, type UnansweredQuestion } from '../src/readers/answer-log.ts';
import { TINY_MODEL_ENV } from './support/app.ts';
import { newsroomInProcess } from './support/in-process.ts';

function asked(question: string, createdAt: string, guildId: string | null = null): UnansweredQuestion {
  return { question, createdAt, guildId, closest: [] };
}

test('questions are compared without case, punctuation, filler words or word order', () => {
  assert.deepEqual(questionWords('When does the BRIDGE reopen?!'), questionWords('the bridge: when does it reopen'));
  assert.deepEqual(
    questionWords('Bridge repairs cost?'),
    questionWords('What is the cost of repairing the bridge').filter((w) => w !== 'what'),
  );
  assert.deepEqual(questionWords('¿¡…!?'), []);
});

test('identical and near-identical questions are counted together, most asked first, with the latest wording', () => {
  const groups = groupQuestions([
    asked('how much did the kestrel street bridge repair cost', '2026-04-10T09:00:00.000Z', '1'),
    asked('Who reopened the bridge?', '2026-04-09T12:00:00.000Z'),
    asked('What did the Kestrel Street Bridge repairs cost?', '2026-04-08T09:00:00.000Z'),
    asked('When did the bridge reopen?', '2026-04-07T09:00:00.000Z'),
    asked('How much did the Kestrel Street Bridge repairs cost?', '2026-04-06T09:00:00.000Z'),
    asked('HOW MUCH did the Kestrel Street Bridge repairs cost??', '2026-04-05T09:00:00.000Z'),
  ]);
  assert.deepEqual(
    groups.map((g) => [g.count, g.question]),
    [
      [4, 'how much did the kestrel street bridge repair cost'],
      [1, 'Who reopened the bridge?'],
      [1, 'When did the bridge reopen?'],
    ],
  );
  const [cost] = groups;
  assert.equal(cost?.lastAskedAt, '2026-04-10T09:00:00.000Z');
  assert.equal(cost?.firstAskedAt, '2026-04-05T09:00:00.000Z');
  assert.equal(cost?.guildId, '1');
  assert.deepEqual(cost?.wordings, [
    'how much did the kestrel street bridge repair cost',
    'What did the Kestrel Street Bridge repairs cost?',
    'How much did the Kestrel Street Bridge repairs cost?',
    'HOW MUCH did the Kestrel Street Bridge repairs cost??',
  ]);
});

test('a group does not drift: each question joins the group whose first question it is most like', () => {
  const groups = groupQuestions([
    asked('Harbour ferry fares rise sharply', '2026-04-03T00:00:00.000Z'),
    asked('Harbour ferry fares rise at the weekend', '2026-04-02T00:00:00.000Z'),
    asked('Harbour ferry fares at the weekend cancelled', '2026-04-01T00:00:00.000Z'),
  ]);
  // The second shares 4 of 6 words with the first and joins it; the third shares 4 of 6 with the
  // second but only 3 of 7 with the first, so it is a question of its own.
  assert.deepEqual(
    groups.map((g) => [g.count, g.question]),
    [
      [2, 'Harbour ferry fares rise sharply'],
      [1, 'Harbour ferry fares at the weekend cancelled'],
    ],
  );
});

test('the fast grouping gives the groups a comparison of every question with every group would give', () => {
  // A small vocabulary, so many questions share words and some share most of them.
  const vocabulary = [
    'bridge',
    'ferry',
    'fares',
    'council',
    'vote',
    'budget',
    'school',
    'closure',
    'harbour',
    'storm',
    'flood',
    'wall',
    'who',
    'when',
    'cost',
    'strike',
  ];
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const questions = Array.from({ length: 1500 }, (_, i) => {
    const words = Array.from(
      { length: 2 + Math.floor(random() * 4) },
      () => vocabulary[Math.floor(random() * vocabulary.length)] as string,
    );
    return asked(`${words.join(' ')}?`, new Date(Date.UTC(2026, 0, 1) + (1500 - i) * 60_000).toISOString());
  });

  // The reference: identical word sets together, then each set (most asked first) joins the most alike group founder.
  const exact = new Map<string, { words: Set<string>; count: number; latest: string }>();
  for (const q of questions) {
    const words = questionWords(q.question);
    const entry = exact.get(words.join(' ')) ?? { words: new Set(words), count: 0, latest: q.question };
    entry.count++;
    exact.set(words.join(' '), entry);
  }
  const founders: { words: Set<string>; count: number }[] = [];
  for (const entry of [...exact.values()].sort((a, b) => b.count - a.count)) {
    let best: { index: number; score: number } | null = null;
    founders.forEach((f, index) => {
      const shared = [...entry.words].filter((w) => f.words.has(w)).length;
      const score = shared / (entry.words.size + f.words.size - shared);
      if (score >= SAME_QUESTION && (!best || score > best.score)) best = { index, score };
    });
    const target = best as { index: number } | null;
    if (target) (founders[target.index] as { count: number }).count += entry.count;
    else founders.push({ words: entry.words, count: entry.count });
  }
  const reference = founders.map((f) => f.count).sort((a, b) => b - a);
  assert.ok(founders.length < exact.size - 100, `near-identical sets were joined (${exact.size} sets, ${founders.length} groups)`);
  assert.deepEqual(
    groupQuestions(questions).map((g) => g.count),
    reference,
  );
});

test('the digest moment is the latest DIGEST_DAY at DIGEST_HOUR UTC, never in the future', () => {
  // 2026-04-15 is a Wednesday.
  assert.equal(digestSlot(new Date('2026-04-15T12:00:00Z'), 'monday', 9).toISOString(), '2026-04-13T09:00:00.000Z');
  assert.equal(digestSlot(new Date('2026-04-13T08:59:59Z'), 'monday', 9).toISOString(), '2026-04-06T09:00:00.000Z');
  assert.equal(digestSlot(new Date('2026-04-13T09:00:00Z'), 'monday', 9).toISOString(), '2026-04-13T09:00:00.000Z');
  assert.equal(digestSlot(new Date('2026-04-15T00:30:00Z'), 'wednesday', 0).toISOString(), '2026-04-15T00:00:00.000Z');
  assert.equal(digestSlot(new Date('2026-04-15T00:30:00Z'), 'thursday', 23).toISOString(), '2026-04-09T23:00:00.000Z');
});

// ---------------------------------------------------------------- the log, the CLI

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-readers-'));
after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const citation = (n: number, articleId: string, title: string): Citation => ({
  number: n,
  articleId,
  collection: 'shared',
  title,
  url: null,
  published: '2026-04-01',
  updated: null,
  byline: null,
  chunkId: n,
  excerpt: 'An excerpt.',
  start: 0,
  end: 11,
});

before(() => {
  const log = new AnswerLog(dataDir);
  const bridge = log.saveAnswer({
    guildId: '111111111111111111',
    userId: 'u1',
    question: 'When did the Kestrel Street Bridge reopen?',
    kind: 'answer',
    mode: 'llm',
    text: 'It reopened on Thursday [1].',
    citations: [citation(1, 'kestrel-bridge-reopens', 'Kestrel Street Bridge reopens')],
  });
  const ferry = log.saveAnswer({
    guildId: null,
    userId: 'u2',
    question: 'How much are ferry fares now?',
    kind: 'answer',
    mode: 'extractive',
    text: 'Fares rise to 4.20 [1].',
    citations: [
      citation(1, 'harbour-ferry-fares', 'Harbour ferry fares rise'),
      citation(2, 'harbour-ferry-fares', 'Harbour ferry fares rise'),
    ],
  });
  log.recordFeedback(bridge.id, 'reader-1', 'up');
  log.recordFeedback(ferry.id, 'reader-1', 'down');
  log.recordFeedback(ferry.id, 'reader-2', 'down');
  for (const q of ['Who won the mayoral race?', 'who won the mayoral race', 'Mayoral race: who won?', 'When is the harbour festival?']) {
    log.recordUnanswered(q, null, []);
  }
  log.close();
});

/** A `newsroom` command run in this process: output and exit status as from `npx newsroom`. */
function newsroom(args: string[]) {
  return newsroomInProcess(args, { ...TINY_MODEL_ENV, DATA_DIR: dataDir });
}

test('feedback --json: every vote with its question, answer, citations, server and times, newest first', async () => {
  const result = await newsroom(['feedback', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const { feedback } = JSON.parse(result.stdout) as { feedback: Record<string, unknown>[] };
  assert.deepEqual(
    feedback.map((f) => [f.vote, f.question, f.guildId]),
    [
      ['down', 'How much are ferry fares now?', null],
      ['down', 'How much are ferry fares now?', null],
      ['up', 'When did the Kestrel Street Bridge reopen?', '111111111111111111'],
    ],
  );
  assert.deepEqual(Object.keys(feedback[0] ?? {}), [
    'answerId',
    'vote',
    'question',
    'answer',
    'citations',
    'guildId',
    'kind',
    'mode',
    'votedAt',
    'answeredAt',
  ]);
  assert.equal((feedback[2]?.citations as Citation[])[0]?.articleId, 'kestrel-bridge-reopens');
  assert.equal(
    feedback.some((f) => 'userId' in f),
    false,
    'who voted is not shown',
  );

  const down = JSON.parse((await newsroom(['feedback', '--vote', 'down', '--limit', '1', '--json'])).stdout) as { feedback: unknown[] };
  assert.equal(down.feedback.length, 1);
});

test('feedback: readable entries; --since filters by day; a --since that is not a date is a usage error', async () => {
  const text = await newsroom(['feedback']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(
    text.stdout,
    /^👎 \d{4}-\d\d-\d\d \d\d:\d\d UTC · no server \(direct message\) · answer \w+\n {2}Q: How much are ferry fares now\?\n {2}A: Fares rise to 4\.20\.?\n {2}• Harbour ferry fares rise \(harbour-ferry-fares\)$/m,
  );
  assert.match(text.stdout, /^👍 .* · server 111111111111111111 · /m);
  assert.match(text.stdout, /^3 votes: 1 👍, 2 👎$/m);

  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  assert.equal(
    (JSON.parse((await newsroom(['feedback', '--since', today, '--json'])).stdout) as { feedback: unknown[] }).feedback.length,
    3,
  );
  const none = await newsroom(['feedback', '--since', tomorrow]);
  assert.equal(none.code, 0);
  assert.equal(none.stdout.trim(), `No votes on answers since ${tomorrow}.`);

  const bad = await newsroom(['feedback', '--since', 'last week']);
  assert.equal(bad.code, 1);
  assert.equal(bad.stdout, '');
  assert.match(
    bad.stderr,
    /^--since must be a date written YYYY-MM-DD, such as 2026-03-14 \(got "last week"\)\.\n\nUsage:\n {2}newsroom feedback \[--since YYYY-MM-DD\]/,
  );
  const impossible = await newsroom(['feedback', '--since', '2026-02-30']);
  assert.equal(impossible.code, 1);
  assert.match(impossible.stderr, /--since must be a date/);
});

test('gaps groups near-identical questions with a count, most asked first; --json keeps its fields and adds the count', async () => {
  const text = await newsroom(['gaps']);
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stdout.trim().split('\n');
  assert.match(lines[0] ?? '', /^3× {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}Mayoral race: who won\?$/);
  assert.match(lines[1] ?? '', /^1× {2}.* {2}When is the harbour festival\?$/);
  assert.match(text.stdout, /2 questions shown, asked 4 times in all/);

  const json = JSON.parse((await newsroom(['gaps', '--json', '--limit', '1'])).stdout) as { unanswered: Record<string, unknown>[] };
  assert.equal(json.unanswered.length, 1);
  assert.deepEqual(Object.keys(json.unanswered[0] ?? {}), [
    'question',
    'guildId',
    'closest',
    'createdAt',
    'count',
    'firstAskedAt',
    'wordings',
  ]);
  assert.equal(json.unanswered[0]?.count, 3);
  assert.deepEqual(json.unanswered[0]?.wordings, ['Mayoral race: who won?', 'who won the mayoral race', 'Who won the mayoral race?']);
});

test('the weekly digest holds the week’s unanswered questions and disliked answers, one server’s or all', () => {
  const log = new AnswerLog(dataDir, { readOnly: true });
  try {
    const digest = weeklyDigest(log, { now: new Date() });
    assert.deepEqual(
      digest.unanswered.map((g) => g.count),
      [3, 1],
    );
    assert.equal(digest.unansweredAsked, 4);
    assert.deepEqual(
      digest.disliked.map((d) => [d.question, d.downVotes, d.sources]),
      [['How much are ferry fares now?', 2, [{ articleId: 'harbour-ferry-fares', title: 'Harbour ferry fares rise' }]]],
    );
    const server = weeklyDigest(log, { now: new Date(), guildId: '111111111111111111' });
    assert.deepEqual([server.unanswered, server.disliked], [[], []]);
    const nextMonth = weeklyDigest(log, { now: new Date(Date.now() + 30 * 86_400_000) });
    assert.deepEqual([nextMonth.unanswered, nextMonth.disliked], [[], []], 'older than a week: left out');
  } finally {
    log.close();
  }
});
