// `node --import ./test/support/compiled.mjs --test …` (npm test): builds dist/ when it is missing
// or stale, then registers compiled-hooks.mjs, so tests run the compiled code.
import { register } from 'node:module';
import { ensureBuilt } from '../../scripts/build.mjs';

await ensureBuilt();
register('./compiled-hooks.mjs', import.meta.url);
