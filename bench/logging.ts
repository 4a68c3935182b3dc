// `npm run bench:logging`: what a log line costs in each format, written synchronously to
// /dev/null so only formatting and the write call are measured.
import fs from 'node:fs';
import { createLogger, type LogFormat } from '../src/log.ts';
import { machineLine, writeResultsSection } from './results.ts';

const LINES = 20_000;
const ROUNDS = 5;
const fd = fs.openSync('/dev/null', 'w');

interface Case {
  name: string;
  format: LogFormat;
  isTTY: boolean;
  level: string;
  line: (logger: ReturnType<typeof createLogger>, i: number) => void;
}

const usage = { prompt: 1530, completion: 61, total: 1591 };
const failure = new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND huggingface.co') });
const llmLine: Case['line'] = (logger, i) =>
  logger.info(
    { event: 'llm_call', ok: true, model: 'gpt-4o-mini', attempts: 1, ms: 1210 + (i % 7), streamed: true, finishReason: 'stop', usage },
    'LLM call finished',
  );
const errorLine: Case['line'] = (logger) => logger.warn({ err: failure, interactionId: '1234567890123456789' }, 'draft edit failed');
const filtered: Case['line'] = (logger, i) => logger.debug({ i }, 'below the level');

const cases: Case[] = [
  { name: 'JSON line (journald, pipes): an LLM call', format: 'json', isTTY: false, level: 'info', line: llmLine },
  { name: 'pretty line (terminal, colours): an LLM call', format: 'pretty', isTTY: true, level: 'info', line: llmLine },
  { name: 'JSON line: a warning with an error and its stack', format: 'json', isTTY: false, level: 'info', line: errorLine },
  { name: 'pretty line: a warning with an error (one line, no stack)', format: 'pretty', isTTY: true, level: 'info', line: errorLine },
  { name: 'pretty, a debug call below LOG_LEVEL=info (dropped)', format: 'pretty', isTTY: true, level: 'info', line: filtered },
];

function measure(c: Case): number {
  const logger = createLogger(c.level, { format: c.format, stream: { isTTY: c.isTTY, write: (text: string) => fs.writeSync(fd, text) } });
  for (let i = 0; i < 2000; i++) c.line(logger, i);
  const perLine: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < LINES; i++) c.line(logger, i);
    perLine.push(Number(process.hrtime.bigint() - started) / 1000 / LINES);
  }
  perLine.sort((a, b) => a - b);
  return perLine[Math.floor(ROUNDS / 2)] ?? NaN;
}

const measured = cases.map((c) => ({ c, us: measure(c) }));
for (const { c, us } of measured) console.log(`${c.name}: ${us.toFixed(2)} µs/line`);
const rows = measured.map(({ c, us }) => `| ${c.name} | ${us < 1 ? us.toFixed(3) : us.toFixed(1)} |`);
const extra = (measured[1]?.us ?? NaN) - (measured[0]?.us ?? NaN);

writeResultsSection(
  'logging',
  `## Logging (\`npm run bench:logging\`)

${machineLine()}

Median of ${ROUNDS} rounds of ${LINES.toLocaleString('en-US')} lines, written synchronously to /dev/null (the
formatting and the write call, as \`createLogger\` does for stderr). A question answered by a model logs one
info line ("LLM call finished"); an extract-mode answer logs none at info. Readable lines cost
${extra.toFixed(0)} µs more than JSON per line: for a model-written answer, that is ${(extra / 10).toFixed(1)} % of a
millisecond-long hybrid search (bench:search, 10k–100k chunks) and nothing next to the model call. Under
systemd stderr is not a terminal, so the bot writes JSON there.

| log line | µs per line |
| --- | --- |
${rows.join('\n')}`,
);
