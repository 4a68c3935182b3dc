// `npx newsroom` (bin/newsroom.js) and `npm run newsroom --`: the command line. See src/cli/run.ts.
import 'dotenv/config';
import { runCli } from './cli/run.ts';

process.exitCode = await runCli(process.argv.slice(2));
