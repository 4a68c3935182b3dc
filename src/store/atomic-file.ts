import fs from 'node:fs';
import path from 'node:path';

/** Flushes a file or a directory (making a rename durable: on POSIX the directory entry itself must be flushed). */
export function fsyncPath(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms cannot open directories; the rename is still atomic there.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

const TEMP_SUFFIX = '.tmp';

function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}${TEMP_SUFFIX}`);
}

/**
 * Writes a file so that readers and a crash see either the old or the new content, never a
 * torn one: `write` fills a temporary file, which is flushed to disk, checked by `verify` (which
 * throws to keep the old file), and renamed over `target`.
 */
export function writeFileAtomically(target: string, write: (tempPath: string) => void, verify?: (tempPath: string) => void): void {
  const temp = tempPathFor(target);
  try {
    write(temp);
    fsyncFile(temp);
    verify?.(temp);
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fsyncPath(path.dirname(target));
}

export function writeJsonAtomically(target: string, value: unknown): void {
  writeFileAtomically(target, (temp) => fs.writeFileSync(temp, JSON.stringify(value, null, 2)));
}

/** Temporary files of `target` left behind by a process that died while writing it. */
export function leftoverTempFiles(target: string): string[] {
  const prefix = `.${path.basename(target)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(path.dirname(target));
  } catch {
    return [];
  }
  return names.filter((n) => n.startsWith(prefix) && n.endsWith(TEMP_SUFFIX)).map((n) => path.join(path.dirname(target), n));
}
