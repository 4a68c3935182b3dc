// The parse worker's entry point (see parse-pool.ts). It is plain JavaScript because Node does not
// run a worker's first file through the module hooks that `tsx` or `--import tsx` register
// (privatenumber/tsx#354); tsImport loads the TypeScript worker through tsx wherever it started.
import { tsImport } from 'tsx/esm/api';

await tsImport('./parse-worker.ts', import.meta.url);
