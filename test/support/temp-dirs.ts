import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

const made: string[] = [];
let cleanupRegistered = false;

/** A new empty folder under the system's temp folder, removed when the test file ends. */
export function tempDir(prefix: string): string {
  if (!cleanupRegistered) {
    after(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
    cleanupRegistered = true;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
