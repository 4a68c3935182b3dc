// The embedding worker's entry point (see worker-embedder.ts), loaded the same way as the parse
// worker's (src/articles/parse-worker-entry.mjs): Node does not run a worker's first file through
// tsx's module hooks, so tsImport loads the TypeScript worker.
import { tsImport } from 'tsx/esm/api';

await tsImport('./embed-worker.ts', import.meta.url);
