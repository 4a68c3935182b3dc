#!/usr/bin/env node
// `npx newsroom`: the compiled CLI in dist/, built first when dist/ is missing or older than src/.
import { ensureBuilt } from '../scripts/build.mjs';

await ensureBuilt();
await import('../dist/cli.js');
