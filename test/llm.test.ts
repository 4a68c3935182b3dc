import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { createLlmClient, type ChatMessage, type LlmClientOptions, type LlmResult } from '../src/llm/client.ts';
import { retryAfterMs } from '../src/llm/failure.ts';
import { backoffMs } from '../src/llm/retry.ts';
import { Semaphore } from '../src/llm/semaphore.ts';
import { silentLogger } from '../src/log.ts';
import { startFakeOpenAI, type FakeOpenAI } from './fakes/openai-server.ts';

const API_KEY = 'sk-test-0123456789abcdef';
const messages: ChatMessage[] = [
  { role: 'system', content: 'You answer questions about the council budget.' },
  { role: 'user', content: 'How much did the library branch get?' },
];

function clientFor(fake: FakeOpenAI, overrides: Partial<LlmClientOptions> = {}) {
  return createLlmClient({
    apiKey: API_KEY,
    baseURL: fake.baseURL,
    model: 'newsroom-test-model',
    timeoutMs: 5_000,
    maxRetries: 2,
    maxConcurrent: 4,
    backoffBaseMs: 20,
    logger: silentLogger,
    ...overrides,
  });
}

async function withFake(run: (fake: FakeOpenAI) => Promise<void>): Promise<void> {
  const fake = await startFakeOpenAI();
  try {
    await run(fake);
  } finally {
    await fake.close();
  }
}

function expectOk(result: LlmResult) {
  assert.ok(result.ok, `expected success, got ${JSON.stringify(result)}`);
  return result;
}

function expectFailure(result: LlmResult) {
  assert.ok(!result.ok, `expected failure, got ${JSON.stringify(result)}`);
  return result;
}

test('a plain reply comes back with its text, finish reason, usage and model', async () => {
  await withFake(async (fake) => {
    fake.setDefault((body) => ({
      text: `You asked: ${body.messages?.at(-1)?.content}`,
      usage: { prompt: 31, completion: 9 },
    }));
    const result = expectOk(await clientFor(fake).complete({ messages, maxTokens: 200, temperature: 0.2 }));

    assert.equal(result.text, 'You asked: How much did the library branch get?');
    assert.equal(result.finishReason, 'stop');
    assert.deepEqual(result.usage, { prompt: 31, completion: 9, total: 40 });
    assert.equal(result.model, 'newsroom-test-model');
    assert.equal(result.attempts, 1);

    const [request] = fake.requests;
    assert.ok(request);
    assert.equal(request.body.model, 'newsroom-test-model');
    assert.deepEqual(request.body.messages, messages);
    assert.equal(request.body.max_tokens, 200);
    assert.equal(request.body.temperature, 0.2);
    assert.notEqual(request.body.stream, true);
    assert.equal(request.headers.authorization, `Bearer ${API_KEY}`);
  });
});

test('a local server without an API key can be used', async () => {
  await withFake(async (fake) => {
    const result = expectOk(await clientFor(fake, { apiKey: null }).complete({ messages }));
    assert.equal(result.text, 'This is the fake model speaking.');
  });
});

test('streamed text reaches onText in order and joins to the full reply, with usage', async () => {
  await withFake(async (fake) => {
    const answer = 'The branch received 1.2 million dollars, up from 900,000 the year before [1].';
    fake.respondWith({ text: answer, chunkSize: 5, intervalMs: 1, usage: { prompt: 50, completion: 20 } });
    const deltas: string[] = [];
    const result = expectOk(await clientFor(fake).complete({ messages, onText: (delta) => deltas.push(delta) }));

    assert.ok(deltas.length > 5, `expected many deltas, got ${deltas.length}`);
    assert.equal(deltas.join(''), answer);
    assert.equal(result.text, answer);
    assert.equal(result.finishReason, 'stop');
    assert.deepEqual(result.usage, { prompt: 50, completion: 20, total: 70 });
    assert.equal(fake.requests[0]?.body.stream, true);
    assert.deepEqual(fake.requests[0]?.body.stream_options, { include_usage: true });
  });
});

test('a 429 with Retry-After: 1 is retried after waiting about a second, then succeeds', async () => {
  await withFake(async (fake) => {
    fake.respondWith({ status: 429, retryAfter: 1 }, { text: 'Second time lucky.' });
    const result = expectOk(await clientFor(fake).complete({ messages }));

    assert.equal(result.text, 'Second time lucky.');
    assert.equal(result.attempts, 2);
    const [first, second] = fake.requests;
    assert.ok(first && second);
    assert.ok(second.arrivedAt - first.arrivedAt >= 950, `retried after ${second.arrivedAt - first.arrivedAt} ms`);
  });
});

test('retry-after-ms is honoured on a 503', async () => {
  await withFake(async (fake) => {
    fake.respondWith({ status: 503, retryAfterMs: 300 }, { text: 'Back up.' });
    const result = expectOk(await clientFor(fake).complete({ messages }));

    assert.equal(result.attempts, 2);
    const [first, second] = fake.requests;
    assert.ok(first && second);
    assert.ok(second.arrivedAt - first.arrivedAt >= 290, `retried after ${second.arrivedAt - first.arrivedAt} ms`);
  });
});

test('a 500 is retried and the next reply is used', async () => {
  await withFake(async (fake) => {
    fake.respondWith({ status: 500 }, { text: 'Recovered.' });
    const result = expectOk(await clientFor(fake).complete({ messages }));
    assert.equal(result.text, 'Recovered.');
    assert.equal(result.attempts, 2);
    assert.equal(fake.requests.length, 2);
  });
});

test('5xx on every attempt ends as a server error after maxRetries retries', async () => {
  await withFake(async (fake) => {
    fake.setDefault(() => ({ status: 502 }));
    const result = expectFailure(await clientFor(fake, { maxRetries: 2 }).complete({ messages }));
    assert.equal(result.error.kind, 'server');
    assert.equal(result.error.status, 502);
    assert.equal(result.attempts, 3);
    assert.equal(fake.requests.length, 3);
  });
});

test('a 400 is not retried', async () => {
  await withFake(async (fake) => {
    fake.respondWith({ status: 400, errorMessage: 'This model does not exist.' });
    const result = expectFailure(await clientFor(fake).complete({ messages }));
    assert.equal(result.error.kind, 'bad_request');
    assert.equal(result.error.status, 400);
    assert.match(result.error.message, /does not exist/);
    assert.equal(result.attempts, 1);
    assert.equal(fake.requests.length, 1);
  });
});

test('a 401 is reported as auth and not retried', async () => {
  await withFake(async (fake) => {
    fake.respondWith({ status: 401, errorMessage: `Incorrect API key provided: ${API_KEY}` });
    const result = expectFailure(await clientFor(fake).complete({ messages }));
    assert.equal(result.error.kind, 'auth');
    assert.equal(result.attempts, 1);
    assert.ok(!result.error.message.includes(API_KEY), 'the API key must not appear in the error');
  });
});

test('a Retry-After longer than allowed gives rate_limited without retrying', async () => {
  await withFake(async (fake) => {
    fake.respondWith({ status: 429, retryAfter: 3600 });
    const result = expectFailure(await clientFor(fake, { maxRetryAfterMs: 5_000 }).complete({ messages }));
    assert.equal(result.error.kind, 'rate_limited');
    assert.equal(result.error.status, 429);
    assert.equal(result.attempts, 1);
    assert.equal(fake.requests.length, 1);
  });
});

test('a reply slower than the timeout ends as timeout, not retried', async () => {
  await withFake(async (fake) => {
    fake.respondWith({ delayMs: 3_000 });
    const result = expectFailure(await clientFor(fake, { timeoutMs: 200 }).complete({ messages }));
    assert.equal(result.error.kind, 'timeout');
    assert.equal(result.attempts, 1);
  });
});

test('a stream that stalls ends as timeout, not retried', async () => {
  await withFake(async (fake) => {
    fake.respondWith({ text: 'Slowly, then not at all.', chunkSize: 6, intervalMs: 2_000 });
    const result = expectFailure(await clientFor(fake, { timeoutMs: 300 }).complete({ messages, onText: () => {} }));
    assert.equal(result.error.kind, 'timeout');
    assert.equal(result.attempts, 1);
    assert.equal(fake.requests.length, 1);
  });
});

test('a streamed reply that does not begin within the timeout ends as timeout', async () => {
  await withFake(async (fake) => {
    fake.respondWith({ delayMs: 3_000, text: 'Too late to matter.' });
    const deltas: string[] = [];
    const result = expectFailure(await clientFor(fake, { timeoutMs: 200 }).complete({ messages, onText: (delta) => deltas.push(delta) }));
    assert.equal(result.error.kind, 'timeout');
    assert.equal(result.attempts, 1);
    assert.deepEqual(deltas, []);
  });
});

test('a stream that keeps sending text may run longer than the timeout', async () => {
  await withFake(async (fake) => {
    const text = 'Each piece arrives well within the timeout, the whole takes longer.';
    fake.respondWith({ text, chunkSize: 7, intervalMs: 50 });
    const result = expectOk(await clientFor(fake, { timeoutMs: 300 }).complete({ messages, onText: () => {} }));
    assert.equal(result.text, text);
  });
});

test('a 200 with broken JSON is a bad_response', async () => {
  await withFake(async (fake) => {
    fake.respondWith({ malformed: true });
    const result = expectFailure(await clientFor(fake).complete({ messages }));
    assert.equal(result.error.kind, 'bad_response');
    assert.equal(result.attempts, 1);
  });
});

test('a broken event in a stream is a bad_response', async () => {
  await withFake(async (fake) => {
    fake.respondWith({ malformed: true });
    const result = expectFailure(await clientFor(fake).complete({ messages, onText: () => {} }));
    assert.equal(result.error.kind, 'bad_response');
  });
});

test('an empty reply is a bad_response', async () => {
  await withFake(async (fake) => {
    fake.respondWith({ text: '' });
    const result = expectFailure(await clientFor(fake).complete({ messages }));
    assert.equal(result.error.kind, 'bad_response');
  });
});

test('finish_reason length is reported with the text', async () => {
  await withFake(async (fake) => {
    fake.respondWith({ text: 'The council voted to', finishReason: 'length' });
    const result = expectOk(await clientFor(fake).complete({ messages, maxTokens: 5 }));
    assert.equal(result.finishReason, 'length');
    assert.equal(result.text, 'The council voted to');

    fake.respondWith({ text: 'The council voted to', finishReason: 'length' });
    const streamed = expectOk(await clientFor(fake).complete({ messages, maxTokens: 5, onText: () => {} }));
    assert.equal(streamed.finishReason, 'length');
  });
});

test('a refused connection is a network error, retried maxRetries times', async () => {
  const fake = await startFakeOpenAI();
  const baseURL = fake.baseURL;
  await fake.close();
  const client = createLlmClient({
    apiKey: API_KEY,
    baseURL,
    model: 'newsroom-test-model',
    timeoutMs: 2_000,
    maxRetries: 2,
    maxConcurrent: 1,
    backoffBaseMs: 10,
    logger: silentLogger,
  });
  const result = expectFailure(await client.complete({ messages }));
  assert.equal(result.error.kind, 'network');
  assert.match(result.error.message, /ECONNREFUSED/);
  assert.equal(result.attempts, 3);
});

test('a connection dropped before any reply is retried', async () => {
  await withFake(async (fake) => {
    fake.respondWith({ hangUp: true }, { text: 'Here after all.' });
    const result = expectOk(await clientFor(fake).complete({ messages }));
    assert.equal(result.text, 'Here after all.');
    assert.equal(result.attempts, 2);
  });
});

test('a stream dropped after text reached onText is not retried', async () => {
  await withFake(async (fake) => {
    fake.respondWith({ text: 'The mayor said that the plan', chunkSize: 4, hangUp: true, hangUpAfterChunks: 3 });
    const deltas: string[] = [];
    const result = expectFailure(await clientFor(fake).complete({ messages, onText: (delta) => deltas.push(delta) }));
    assert.equal(result.error.kind, 'network');
    assert.equal(result.attempts, 1);
    assert.equal(fake.requests.length, 1);
    assert.equal(deltas.join(''), 'The mayor sa');
  });
});

test('an exception thrown by onText reaches the caller and is not retried', async () => {
  await withFake(async (fake) => {
    fake.respondWith({ text: 'Enough text for a few chunks.', chunkSize: 4 });
    const client = clientFor(fake);
    const failing = client.complete({
      messages,
      onText: () => {
        throw new Error('the renderer broke');
      },
    });
    await assert.rejects(failing, /the renderer broke/);
    assert.equal(fake.requests.length, 1);
  });
});

test('no more than maxConcurrent calls are in flight at once', async () => {
  await withFake(async (fake) => {
    fake.setDefault((body) => ({ text: `Reply to ${body.messages?.at(-1)?.content}`, delayMs: 60 }));
    const client = clientFor(fake, { maxConcurrent: 2 });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => client.complete({ messages: [{ role: 'user', content: `question ${i}` }] })),
    );

    results.forEach((result, i) => assert.equal(expectOk(result).text, `Reply to question ${i}`));
    assert.equal(fake.requests.length, 6);
    assert.ok(fake.maxInFlight <= 2, `maxInFlight was ${fake.maxInFlight}`);
  });
});

test('an aborted signal ends the call as aborted', async () => {
  await withFake(async (fake) => {
    fake.respondWith({ delayMs: 3_000 });
    const controller = new AbortController();
    const pending = clientFor(fake).complete({ messages, signal: controller.signal });
    while (fake.requests.length === 0) await sleep(5);
    controller.abort();
    const result = expectFailure(await pending);
    assert.equal(result.error.kind, 'aborted');
    assert.equal(result.attempts, 1);
  });
});

test('an aborted signal ends a streamed call as aborted, keeping the text already shown', async () => {
  await withFake(async (fake) => {
    fake.respondWith({ text: 'The council met on Tuesday and voted on the budget.', chunkSize: 4, intervalMs: 100 });
    const controller = new AbortController();
    const deltas: string[] = [];
    const result = expectFailure(
      await clientFor(fake).complete({
        messages,
        signal: controller.signal,
        onText: (delta) => {
          deltas.push(delta);
          if (deltas.length === 2) controller.abort();
        },
      }),
    );
    assert.equal(result.error.kind, 'aborted');
    assert.equal(result.attempts, 1);
    assert.equal(deltas.join(''), 'The coun');
    assert.equal(fake.requests.length, 1);
  });
});

test('one log line per call, without the API key or the prompt', async () => {
  await withFake(async (fake) => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    fake.respondWith({ status: 500 }, { text: 'Fine.', usage: { prompt: 12, completion: 2 } });
    expectOk(await clientFor(fake, { logger }).complete({ messages }));

    assert.equal(lines.length, 1);
    const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    assert.equal(entry.model, 'newsroom-test-model');
    assert.equal(entry.attempts, 2);
    assert.equal(entry.finishReason, 'stop');
    assert.deepEqual(entry.usage, { prompt: 12, completion: 2, total: 14 });
    assert.equal(typeof entry.ms, 'number');
    assert.ok(!lines[0]?.includes(API_KEY));
    assert.ok(!lines[0]?.includes('library branch'));
  });
});

test('the semaphore hands slots out in arrival order and drops waiters whose signal aborts', async () => {
  const slots = new Semaphore(1);
  const order: string[] = [];
  const releaseFirst = await slots.acquire();
  const controller = new AbortController();
  const second = slots.acquire(controller.signal);
  const third = slots.acquire().then((release) => {
    order.push('third');
    release();
  });
  assert.equal(slots.waiting, 2);
  controller.abort(new Error('gave up'));
  await assert.rejects(second, /gave up/);
  assert.equal(slots.waiting, 1);
  releaseFirst();
  releaseFirst(); // a second call must not free a slot twice
  await third;
  assert.deepEqual(order, ['third']);
  assert.equal(slots.active, 0);
});

test('Retry-After is read as milliseconds, seconds or an HTTP date', () => {
  const now = Date.parse('2024-05-20T12:00:00Z');
  assert.equal(retryAfterMs(new Headers({ 'retry-after-ms': '250' }), now), 250);
  assert.equal(retryAfterMs(new Headers({ 'retry-after': '2' }), now), 2_000);
  assert.equal(retryAfterMs(new Headers({ 'retry-after': 'Mon, 20 May 2024 12:00:30 GMT' }), now), 30_000);
  assert.equal(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now), null);
  assert.equal(retryAfterMs(new Headers(), now), null);
});

test('backoff doubles per retry, with jitter between half and all of the step', () => {
  assert.equal(
    backoffMs(1, 500, () => 0),
    250,
  );
  assert.equal(
    backoffMs(1, 500, () => 1),
    500,
  );
  assert.equal(
    backoffMs(3, 500, () => 1),
    2_000,
  );
  assert.equal(
    backoffMs(20, 500, () => 1),
    8_000,
  );
});
