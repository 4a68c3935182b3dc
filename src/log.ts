import { pino, type DestinationStream, type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `auto`: readable lines on a terminal, JSON lines anywhere else (a pipe, a file, journald). */
export const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Where log lines go: stderr by default, so stdout stays for command output (`--json`). */
export interface LogStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface LoggerOptions {
  format?: LogFormat;
  stream?: LogStream;
}

/**
 * Structured logs, one event per line, on stderr. JSON lines for machines; on a terminal (or with
 * LOG_FORMAT=pretty) one readable line per event with its fields below it. Both are written
 * synchronously, so a log line and a message the CLI prints to stderr keep their order.
 */
export function createLogger(level: string = 'info', options: LoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const pretty = resolveLogFormat(options.format ?? 'auto', Boolean(stream.isTTY)) === 'pretty';
  if (!pretty) {
    const destination = options.stream ? { write: (line: string) => void stream.write(line) } : pino.destination({ dest: 2, sync: true });
    return pino({ level, base: null }, destination);
  }
  return pino({ level, base: null }, prettyDestination(stream, level));
}

export function resolveLogFormat(format: LogFormat, isTTY: boolean): 'pretty' | 'json' {
  if (format === 'auto') return isTTY ? 'pretty' : 'json';
  return format;
}

function prettyDestination(stream: LogStream, level: string): DestinationStream {
  const verbose = level === 'debug' || level === 'trace';
  const format = prettyFactory({
    colorize: Boolean(stream.isTTY),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    // Routine failures (a model that cannot be downloaded, an LLM that refuses a key) read best as
    // one line; the stack is for debugging, so it shows with LOG_LEVEL=debug (and always in JSON).
    ...(verbose ? {} : { customPrettifiers: { err: (value: unknown) => errorChain(value) } }),
  });
  return { write: (line: string) => void stream.write(format(line)) };
}

/** "TypeError: fetch failed ← Error: getaddrinfo ENOTFOUND huggingface.co" from a serialized error. */
export function errorChain(value: unknown): string {
  const parts: string[] = [];
  let current: unknown = value;
  for (let depth = 0; current && depth < 5; depth++) {
    if (typeof current !== 'object') {
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a thrown string, number or function: its own text is what we want
      parts.push(String(current));
      break;
    }
    const error = current as { type?: unknown; message?: unknown; cause?: unknown };
    const type = typeof error.type === 'string' ? error.type : 'Error';
    parts.push(typeof error.message === 'string' && error.message ? `${type}: ${error.message}` : type);
    current = error.cause;
  }
  return parts.join(' ← ');
}

/** A logger that drops everything: the default for library code used from tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
