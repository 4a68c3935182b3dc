// `node --import ./test/support/compiled.mjs --test …` (npm test): builds dist/ when it is missing
// or stale, then registers compiled-hooks.mjs, so tests run the compiled code. Worker threads
// (which inherit this --import) start compiled files of dist/ that need no hooks: there it does
// nothing, so a worker starts as it does in production.
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { ensureBuilt } from '../../scripts/build.mjs';

if (isMainThread) {
  await ensureBuilt();
  register('./compiled-hooks.mjs', import.meta.url);
}
