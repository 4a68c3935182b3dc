import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { App } from '../src/app.ts';
import { startFakeOpenAI, type FakeOpenAI } from './fakes/openai-server.ts';
import { createTestApp, ROOT } from './support/app.ts';

/*
 * A question that shares a single common word with a one-story archive is out of its scope: it is
 * refused before any model call, while questions about the story still reach the model.
 */

let fake: FakeOpenAI;
let app: App;

before(async () => {
  fake = await startFakeOpenAI(() => ({ text: 'NOT_IN_ARTICLES' }));
  app = await createTestApp({ OPENAI_BASE_URL: fake.baseURL, LLM_MAX_RETRIES: '0' }, path.join(ROOT, 'test/fixtures/scope'));
});

after(async () => {
  app.close();
  await fake.close();
});

async function reachesModel(question: string): Promise<boolean> {
  const before = fake.requests.length;
  const result = await app.answerer.ask({ question, collections: ['shared'] });
  assert.equal(result.kind, 'not_found');
  return fake.requests.length > before;
}

test('a question sharing only one common word with the archive is refused before any model call', async () => {
  for (const question of [
    'What is the capital of Australia?',
    'What is the capital of France?',
    'Which river is the longest in the world?',
    'How many boats are in the Spanish navy?',
  ]) {
    assert.equal(await reachesModel(question), false, `${question} was sent to the model`);
  }
});

test('questions about the story, however few of their words it shares, still reach the model', async () => {
  for (const question of [
    'What is the capital of Esterra?',
    'Who did Mara Quell meet?',
    'What did the spokesman say?',
    'How many border guards are at the Kessa crossing?',
    'Why did smuggling rise?',
    'Who is the interior minister?',
  ]) {
    assert.equal(await reachesModel(question), true, `${question} was refused before the model`);
  }
});
