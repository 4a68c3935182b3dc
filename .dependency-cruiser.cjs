/**
 * The import rules of DESIGN.md, checked by `npm run lint` (dependency-cruiser). Type-only imports
 * count: a cycle through types ties files together as surely as one through values.
 * Layers, top down: front ends (src/main.ts, src/cli, src/discord, commands/) → services that run
 * over the app (feeds, the watched folder) → the app (src/app.ts) → answering, retrieval, ingest,
 * readers → store, embeddings, llm, articles, ops → text, net and the small helpers at src/'s root
 * (errors, log, result, backoff); messages (wording) imports nothing of the app.
 */
const FRONT_ENDS = '^(commands/|src/(main|cli)\\.ts$|src/(cli|discord)/)';
const SERVICES = '^src/(feeds|watch)/';
const APP = '^src/(app|app-embedder|sync|model-switch)\\.ts$';
const MIDDLE = '^src/(answering|retrieval|readers|ingest)/|^src/ingest(-report)?\\.ts$';
const LOWER = '^src/(store|embeddings|llm|articles|ops)/';
const BOTTOM = '^src/(text|net)/|^src/(errors|log|result|backoff|process-alive|env-reader)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'Imports run one way: no file reaches itself through its imports (DESIGN.md, "Where things live").',
      from: {},
      to: { circular: true },
    },
    {
      name: 'commands-from-entry-points-only',
      severity: 'error',
      comment: 'Only the entry points (npm start, the CLI) load commands/ and pass them in.',
      from: { path: '^src/', pathNot: '^src/(main\\.ts|cli/)' },
      to: { path: '^commands/' },
    },
    {
      name: 'messages-import-nothing',
      severity: 'error',
      comment: 'src/messages holds wording by audience and imports nothing of the app.',
      from: { path: '^src/messages/' },
      to: { path: '^(src|commands)/', pathNot: '^src/messages/' },
    },
    {
      name: 'nothing-below-imports-front-ends',
      severity: 'error',
      from: { path: '^src/', pathNot: FRONT_ENDS },
      to: { path: FRONT_ENDS },
    },
    {
      name: 'app-does-not-import-services',
      severity: 'error',
      from: { path: `${APP}|${MIDDLE}|${LOWER}|${BOTTOM}` },
      to: { path: SERVICES },
    },
    {
      name: 'nothing-below-imports-the-app',
      severity: 'error',
      from: { path: `${MIDDLE}|${LOWER}|${BOTTOM}` },
      to: { path: APP },
    },
    {
      name: 'lower-layers-do-not-import-middle',
      severity: 'error',
      from: { path: `${LOWER}|${BOTTOM}` },
      to: { path: MIDDLE },
    },
    {
      name: 'bottom-imports-only-bottom',
      severity: 'error',
      from: { path: BOTTOM },
      to: { path: `${LOWER}|${MIDDLE}` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
