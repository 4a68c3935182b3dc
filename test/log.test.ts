import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { createLogger, errorChain, resolveLogFormat } from '../src/log.ts';

function capture(isTTY: boolean) {
  const lines: string[] = [];
  return { lines, stream: { isTTY, write: (text: string) => lines.push(text) } };
}

function failure(): Error {
  return new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND huggingface.co') });
}

test('off a terminal, logs are JSON lines with the level, message and fields', () => {
  const { lines, stream } = capture(false);
  const logger = createLogger('info', { stream });
  logger.info({ articlesDir: '/srv/articles', added: 3 }, 'articles synced');
  logger.debug('not at info');
  logger.error({ err: failure() }, 'embedding model failed to load');
  assert.equal(lines.length, 2);
  const first = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
  assert.equal(first.level, 30);
  assert.equal(first.msg, 'articles synced');
  assert.equal(first.articlesDir, '/srv/articles');
  assert.equal(first.added, 3);
  const second = JSON.parse(lines[1] ?? '') as { err: { message: string; stack: string } };
  assert.match(second.err.message, /fetch failed/);
  assert.match(second.err.stack, /at /, 'JSON keeps the stack for the operator');
});

test('on a terminal, logs are readable lines: level, message, fields below; an error reads as one line without its stack', () => {
  const { lines, stream } = capture(true);
  const logger = createLogger('warn', { stream });
  logger.info('below the level');
  logger.warn({ problem: 'the model files could not be downloaded' }, 'embedding model unavailable');
  logger.error({ err: failure() }, 'embedding model failed to load');
  const text = stripVTControlCharacters(lines.join(''));
  assert.doesNotMatch(text, /below the level/);
  assert.match(
    text,
    /^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: embedding model unavailable\n {4}problem: "the model files could not be downloaded"\n/,
  );
  assert.match(text, /ERROR: embedding model failed to load\n {4}err: TypeError: fetch failed/);
  assert.doesNotMatch(text, /\n\s+at /, 'no stack below warn/info levels on a terminal');
  assert.doesNotMatch(text, /^\{/m, 'no JSON');
});

test('LOG_LEVEL=debug on a terminal shows the stack; LOG_FORMAT chooses the format whatever the stream', () => {
  const debug = capture(true);
  createLogger('debug', { stream: debug.stream }).error({ err: failure() }, 'failed');
  assert.match(debug.lines.join(''), /\n\s+at /);

  const forcedJson = capture(true);
  createLogger('info', { stream: forcedJson.stream, format: 'json' }).info('hello');
  assert.equal((JSON.parse(forcedJson.lines[0] ?? '') as { msg: string }).msg, 'hello');

  const forcedPretty = capture(false);
  createLogger('info', { stream: forcedPretty.stream, format: 'pretty' }).info('hello');
  assert.match(forcedPretty.lines[0] ?? '', /^\[[\d:.]+\] INFO: hello\n$/, 'pretty without colours off a terminal');

  assert.equal(resolveLogFormat('auto', true), 'pretty');
  assert.equal(resolveLogFormat('auto', false), 'json');
});

test('an error chain reads cause by cause', () => {
  assert.equal(
    errorChain({ type: 'TypeError', message: 'fetch failed', cause: { type: 'Error', message: 'ENOTFOUND' } }),
    'TypeError: fetch failed ← Error: ENOTFOUND',
  );
  assert.equal(errorChain('plain text'), 'plain text');
});

test('LOG_LEVEL unset: the bot logs at info, the console at warn; LOG_FORMAT is checked like every setting', () => {
  assert.equal(loadConfig({ DISCORD_TOKEN: 'token' }).logLevel, 'info');
  assert.equal(loadConfig({}).logLevel, 'warn');
  assert.equal(loadConfig({ LOG_LEVEL: 'debug' }).logLevel, 'debug');
  assert.equal(loadConfig({}).logFormat, 'auto');
  assert.throws(
    () => loadConfig({ LOG_FORMAT: 'xml', LOG_LEVEL: 'loud' }),
    /LOG_LEVEL must be one of[\s\S]*LOG_FORMAT must be one of auto, pretty, json \(got "xml"\)/,
  );
});
