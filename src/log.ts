import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured logs, one JSON line per event, to stderr so stdout stays for command output. */
export function createLogger(level: string = 'info'): Logger {
  return pino({ level, base: null }, pino.destination(2));
}

/** A logger that drops everything: the default for library code used from tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
