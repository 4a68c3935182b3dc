// A worker's first file in development (see start-worker.ts): loads the TypeScript worker named by
// the first worker argument through tsx, which then compiles what it imports. Plain JavaScript
// because Node runs a worker's first file without tsx's hooks. Never used by the compiled dist/.
import { tsImport } from 'tsx/esm/api';

const [target] = process.argv.splice(2, 1);
await tsImport(target, import.meta.url);
