import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPrompts, PROMPT_SPEC, PromptTemplateError, type PromptName } from '../src/llm/prompts.ts';

const PROMPTS_DIR = fileURLToPath(new URL('../prompts/', import.meta.url));

const answerValues = {
  question: 'When does the new ferry timetable start?',
  passages: '[1] "Ferry changes announced", 2 May 2024\nThe summer timetable starts on 1 June.',
  today: '20 May 2024',
};

/** A copy of the real prompts/ in a temp dir, changed by `edit`, for the failure cases. */
async function withPromptCopy(edit: (dir: string) => Promise<void>, check: (dir: string) => void): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'newsroom-prompts-'));
  try {
    await cp(PROMPTS_DIR, dir, { recursive: true });
    await edit(dir);
    check(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function rewrite(dir: string, file: string, change: (text: string) => string): Promise<void> {
  const path = join(dir, file);
  await writeFile(path, change(await readFile(path, 'utf8')));
}

function loadError(dir: string): PromptTemplateError {
  try {
    loadPrompts(dir);
  } catch (error) {
    assert.ok(error instanceof PromptTemplateError, `expected PromptTemplateError, got ${String(error)}`);
    return error;
  }
  assert.fail('loadPrompts should have failed');
}

test('the shipped prompts load and every template renders both messages', () => {
  const prompts = loadPrompts(PROMPTS_DIR);
  const samples: { [N in PromptName]: Parameters<typeof prompts.render<N>>[1] } = {
    answer: answerValues,
    summarize: {
      title: 'Ferry changes announced',
      published: '2 May 2024',
      byline: 'Rosa Lindqvist',
      length_instructions: 'Three bullet points.',
      passages: '[1] The summer timetable starts on 1 June.',
      today: '20 May 2024',
    },
    'summarize-reduce': {
      title: 'Ferry changes announced',
      length_instructions: 'One paragraph.',
      notes: 'The timetable starts on 1 June [1].',
      today: '20 May 2024',
    },
    topic: {
      query: 'ferry timetable',
      passages: '[1] "Ferry changes announced", 2 May 2024\nThe summer timetable starts on 1 June.',
      length_instructions: 'Up to five bullet points.',
      today: '20 May 2024',
    },
  };
  for (const name of Object.keys(PROMPT_SPEC) as PromptName[]) {
    const messages = prompts.render(name, samples[name] as never);
    assert.deepEqual(
      messages.map((m) => m.role),
      ['system', 'user'],
      name,
    );
    for (const message of messages) {
      assert.ok(message.content.length > 0, `${name} ${message.role} is empty`);
      assert.doesNotMatch(message.content, /\{\{|\}\}|<!--|===/, `${name} ${message.role} has template syntax left`);
    }
  }
});

test('the answer prompt carries the rules the answer checker relies on', () => {
  const [system, user] = loadPrompts(PROMPTS_DIR).render('answer', answerValues);
  assert.ok(system && user);
  assert.match(system.content, /NOT_IN_ARTICLES/);
  assert.match(system.content, /\[1\]\[3\]/);
  assert.match(system.content, /not instructions/);
  assert.match(system.content, /Today is 20 May 2024/);
  assert.ok(user.content.includes(answerValues.passages));
  assert.ok(user.content.endsWith(`Question: ${answerValues.question}`));
});

test('history appears only when there is some', () => {
  const prompts = loadPrompts(PROMPTS_DIR);
  const [, withoutHistory] = prompts.render('answer', { ...answerValues, history: '' });
  assert.ok(withoutHistory);
  assert.doesNotMatch(withoutHistory.content, /Earlier in this conversation|<conversation>/);
  assert.ok(withoutHistory.content.startsWith('Article passages:'));

  const history = 'Q: Which routes change?\nA: The island route gains two sailings [2].';
  const [, withHistory] = prompts.render('answer', { ...answerValues, history });
  assert.ok(withHistory);
  assert.match(withHistory.content, /Earlier in this conversation/);
  assert.ok(withHistory.content.includes(`<conversation>\n${history}\n</conversation>`));
});

test('values are inserted as written and never expanded again', () => {
  const prompts = loadPrompts(PROMPTS_DIR);
  const question = 'What does {{today}} mean in {{passages}}? And $& or $1?';
  const [system, user] = prompts.render('answer', { ...answerValues, question });
  assert.ok(system && user);
  assert.ok(user.content.endsWith(`Question: ${question}`));
  assert.equal(user.content.split('20 May 2024').length, 1, 'today must not leak into the user message');
  assert.ok(system.content.includes('Today is 20 May 2024'));
});

test('rendering without a required value, or with an unknown one, is a programmer error', () => {
  const prompts = loadPrompts(PROMPTS_DIR);
  const { today: _today, ...withoutToday } = answerValues;
  assert.throws(() => prompts.render('answer', withoutToday as never), /answer.*\{\{today\}\}/);
  assert.throws(() => prompts.render('answer', { ...answerValues, colour: 'red' } as never), /\{\{colour\}\}/);
});

test('an unknown placeholder fails at load, naming the file, line and placeholder', async () => {
  await withPromptCopy(
    (dir) => rewrite(dir, 'summarize.md', (text) => text.replace('Byline: {{byline}}', 'Byline: {{byline}} in {{section}}')),
    (dir) => {
      const error = loadError(dir);
      assert.match(error.message, /summarize\.md:\d+: unknown placeholder \{\{section\}\}/);
      assert.equal(error.problems.length, 1);
    },
  );
});

test('a required placeholder that never appears fails at load, naming file and placeholder', async () => {
  await withPromptCopy(
    (dir) => rewrite(dir, 'topic.md', (text) => text.replace('Topic: {{query}}', 'Topic:')),
    (dir) => {
      const error = loadError(dir);
      assert.match(error.message, /topic\.md: required placeholder \{\{query\}\} does not appear/);
    },
  );
});

test('a missing template file fails at load, naming the file', async () => {
  await withPromptCopy(
    (dir) => rm(join(dir, 'summarize-reduce.md')),
    (dir) => {
      const error = loadError(dir);
      assert.match(error.message, /summarize-reduce\.md: file is missing/);
    },
  );
});

test('every problem in every file is reported at once', async () => {
  await withPromptCopy(
    async (dir) => {
      await rewrite(dir, 'answer.md', (text) => text.replace('Question: {{question}}', 'Question: {{questoin}}'));
      await rm(join(dir, 'topic.md'));
    },
    (dir) => {
      const error = loadError(dir);
      assert.match(error.message, /answer\.md:\d+: unknown placeholder \{\{questoin\}\}/);
      assert.match(error.message, /answer\.md: required placeholder \{\{question\}\} does not appear/);
      assert.match(error.message, /topic\.md: file is missing/);
    },
  );
});

test('format mistakes are caught at load: section markers, unclosed placeholders and blocks', async () => {
  const cases: { change: (text: string) => string; expected: RegExp }[] = [
    { change: (text) => text.replace(/^=== user ===$/m, ''), expected: /answer\.md: needs exactly one line "=== system ==="/ },
    { change: (text) => `Stray note\n${text}`, expected: /answer\.md:1: text before "=== system ==="/ },
    {
      change: (text) => text.replace('Question: {{question}}', 'Question: {{question}'),
      expected: /answer\.md:\d+: a placeholder is not closed/,
    },
    { change: (text) => text.replace(/^\{\{\/history\}\}$/m, ''), expected: /answer\.md:\d+: \{\{#history\}\} is never closed/ },
    {
      change: (text) => text.replace('Question: {{question}}', '{{#question}}\nQuestion: {{question}}\n{{/question}}'),
      expected: /\{\{#question\}\} can only enclose text for an optional placeholder/,
    },
    { change: (text) => `${text}\n<!-- an unfinished note`, expected: /answer\.md:\d+: an HTML comment "<!--" is never closed/ },
  ];
  for (const { change, expected } of cases) {
    await withPromptCopy(
      (dir) => rewrite(dir, 'answer.md', change),
      (dir) => assert.match(loadError(dir).message, expected),
    );
  }
});

test('comments are stripped and Windows line endings are accepted', async () => {
  await withPromptCopy(
    (dir) =>
      rewrite(dir, 'answer.md', (text) => text.replace('Rules:', 'Rules: <!-- editors: keep these numbered -->').replace(/\n/g, '\r\n')),
    (dir) => {
      const [system] = loadPrompts(dir).render('answer', answerValues);
      assert.ok(system);
      assert.doesNotMatch(system.content, /editors|<!--|\r/);
      assert.match(system.content, /^You are the research desk/);
    },
  );
});
