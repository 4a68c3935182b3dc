import path from 'node:path';
import { ensureBuilt } from '../../scripts/build.mjs';
import { ROOT } from './app.ts';

// Child processes run the compiled JavaScript, as `npm start` and `npx newsroom` do: `npm test`
// builds dist/ once before the tests; a test file run alone rebuilds it here when src/ changed.
await ensureBuilt();

/**
 * Node's arguments to run `script` in a child process: a file of src/ (`src/cli.ts`) as its
 * compiled form in dist/; a test helper (`test/support/…`, TypeScript) through the test hooks,
 * which load what it imports of src/ from dist/ too.
 */
export function nodeArgs(script: string): string[] {
  const file = path.resolve(ROOT, script);
  const inSrc = path.relative(path.join(ROOT, 'src'), file);
  if (inSrc.startsWith('..') || path.isAbsolute(inSrc)) return ['--import', path.join(ROOT, 'test/support/compiled.mjs'), file];
  return [path.join(ROOT, 'dist', inSrc.replace(/\.ts$/, '.js'))];
}
