import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { App } from '../src/app.ts';
import { holdsMeasure, measureOf } from '../src/answering/measures.ts';
import { createTestApp, ROOT } from './support/app.ts';

/*
 * Questions about quantities that are not plain counts — how long, how often, how far, how old, what
 * time — answered in extract mode by sentences that write them with unit words ("for a decade",
 * "twice a year", "a mile", "a century ago", "shortly after midnight").
 */

let app: App;

before(async () => {
  app = await createTestApp({}, path.join(ROOT, 'test/fixtures/measures'));
});

after(() => app.close());

async function answer(question: string): Promise<string> {
  const result = await app.answerer.ask({ question, collections: ['shared'] });
  assert.equal(result.kind, 'answer', `${question} was not answered: ${result.text}`);
  return result.text;
}

test('how-long questions are answered by durations written with or without digits', async () => {
  assert.match(await answer('How long is the pump maintenance contract with Verrin Hydraulics?'), /for a decade|14-year/);
  assert.match(await answer('How long is the Oxley intake pump maintenance contract?'), /14-year/);
  assert.match(await answer('How long did the review take?'), /took a fortnight/);
  assert.match(await answer('How long did the agreement with Corlan Pumps run?'), /half a century/);
  assert.match(await answer('How long did the shutdown of the Ferndale pumps last?'), /several hours/);
});

test('how often, how far, how old and what time are answered by the quantity asked for', async () => {
  assert.match(await answer('How often will engineers inspect the Oxley reservoir pumps?'), /twice a year/);
  assert.match(await answer('How far is the Ferndale pump house from the river?'), /a mile from the river/);
  assert.match(await answer('How old is the Ferndale pump house?'), /a century ago/);
  assert.match(await answer('What time did the emergency shutdown of the Ferndale pumps begin?'), /7:30 p\.m\./);
  assert.match(await answer('When did crews restore pressure at the Oxley reservoir?'), /after midnight/);
});

test('each kind of quantity is read from the question and found in sentences, digits or words', () => {
  assert.equal(measureOf('how long is the contract?'), 'duration');
  assert.equal(measureOf('how long is the bridge?'), 'length');
  assert.equal(measureOf('how many years will it run?'), 'duration');
  assert.equal(measureOf('how often does the ferry run?'), 'frequency');
  assert.equal(measureOf('what time did the fire start?'), 'clock');
  assert.equal(measureOf('how many containers were moved?'), null);
  const durations = [
    'a 14-year contract',
    'for three months',
    'a decade of work',
    'for 40 years',
    'a two-week strike',
    'it has run since 2019',
    'for years',
  ];
  for (const s of durations) assert.ok(holdsMeasure(s, 'duration'), s);
  for (const s of ['The vote passed 7-2.', 'It cost $4 million.', 'The mayor spoke on Monday.']) assert.ok(!holdsMeasure(s, 'duration'), s);
  for (const s of ['twice a year', 'every two weeks', 'daily', '40 sailings a day', 'three times a week'])
    assert.ok(holdsMeasure(s, 'frequency'), s);
  for (const s of ['a 54-year-old driver', 'aged 54', 'built in 1924', 'in her fifties']) assert.ok(holdsMeasure(s, 'age'), s);
  for (const s of ['at 7:30 p.m.', 'at 9 am,', 'at 19:45', 'shortly after midnight']) assert.ok(holdsMeasure(s, 'clock'), s);
  for (const s of ['400 metres long', 'half a mile away', '12 km']) assert.ok(holdsMeasure(s, 'length'), s);
  assert.ok(!holdsMeasure('the aft deck', 'length'));
});
