import type { FileHandle } from 'node:fs/promises';
import { lineOf, loadMessages as messages } from '../messages/articles.ts';
import type { NamedResult, ParseOptions } from './file-formats.ts';
import type { ParsePool } from './parse-pool.ts';
import { failure } from './validate.ts';

/** Records parsed at the same time (each in the pool's workers): enough to keep them busy, few enough to stay small. */
const RECORDS_AHEAD = 8;
const READ_CHUNK_BYTES = 64 * 1024;

/** One line of the file: its bytes, or the size it reached when it was over the limit (its bytes dropped). */
type Line = { n: number; bytes: Buffer } | { n: number; tooLarge: number };

/**
 * A JSON Lines file (a CMS export of a whole archive) read record by record: the size limit and
 * the parse time limit apply to each record, not the file, and memory stays flat however large the
 * file is (a line over the limit is skipped as it streams by, never held). Each record is parsed in
 * the pool and named by its line, exactly as when the file is parsed whole; a bad record fails alone.
 */
export async function* readJsonLinesFile(
  handle: FileHandle,
  file: { path: string; name: string },
  maxBytes: number,
  pool: ParsePool,
  parseOptions: Pick<ParseOptions, 'allowCredentials'> = {},
): AsyncGenerator<NamedResult, void, undefined> {
  const ahead: Promise<NamedResult[]>[] = [];
  let records = 0;
  for await (const line of readLines(handle, maxBytes)) {
    const where = lineOf(file.name, line.n);
    if ('tooLarge' in line) {
      ahead.push(
        Promise.resolve([{ result: failure(`${file.path}#${line.n}`, messages.tooLarge(where, line.tooLarge, maxBytes)), where }]),
      );
    } else if (line.bytes.toString('utf8').trim() !== '') {
      ahead.push(pool.parse(where, line.bytes, file.path, { ...parseOptions, maxBytes, line: { file: file.name, n: line.n } }));
    }
    if (ahead.length >= RECORDS_AHEAD) {
      const results = await (ahead.shift() as Promise<NamedResult[]>);
      records += results.length;
      yield* results;
    }
  }
  for (const next of ahead) {
    const results = await next;
    records += results.length;
    yield* results;
  }
  if (records === 0) yield { result: failure(file.path, messages.noRecords(file.name)), where: file.name };
}

/** The file's lines (without the newline), numbered from 1, each at most `maxBytes` (longer ones only measured). */
async function* readLines(handle: FileHandle, maxBytes: number): AsyncGenerator<Line, void, undefined> {
  const buffer = Buffer.alloc(READ_CHUNK_BYTES);
  let parts: Buffer[] = [];
  let length = 0;
  let n = 1;
  const endLine = (): Line => {
    const line: Line = length > maxBytes ? { n, tooLarge: length } : { n, bytes: Buffer.concat(parts, length) };
    parts = [];
    length = 0;
    n++;
    return line;
  };
  const take = (piece: Buffer): void => {
    length += piece.length;
    // Past the limit the bytes are only counted: the record is refused by its size.
    if (length <= maxBytes) parts.push(Buffer.from(piece));
    else parts = [];
  };
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    let start = 0;
    for (let end = buffer.indexOf(10, start); end !== -1 && end < bytesRead; end = buffer.indexOf(10, start)) {
      take(buffer.subarray(start, end));
      yield endLine();
      start = end + 1;
    }
    take(buffer.subarray(start, bytesRead));
  }
  if (length > 0) yield endLine();
}
