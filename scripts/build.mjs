// `npm run build`: compiles src/ and commands/ to JavaScript in dist/, one output file per source
// file (src/x.ts → dist/x.js, commands/x.ts → dist/commands/x.js), so paths a module finds from its
// own place (prompts/, package.json, a worker beside it) stay the same relative paths.
// Plain JavaScript, so bin/newsroom.js and `npm start` can run it without a TypeScript loader.
// esbuild only strips types (type checking is `npm run typecheck`); it is a runtime dependency
// because the launchers rebuild a missing or stale dist/ (see ensureBuilt).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = path.join(ROOT, 'dist');
/** Folders compiled, and where their files go under dist/. */
const SOURCES = [
  { dir: path.join(ROOT, 'src'), out: DIST },
  { dir: path.join(ROOT, 'commands'), out: path.join(DIST, 'commands') },
];
/** Written last: dist/ is complete and as new as this file's time. */
const STAMP = '.build-stamp';

function walk(dir, files = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, files);
    else files.push(full);
  }
  return files;
}

/** Where a compiled source file lands under `distDir`, or null for a file that is not compiled. */
function outputOf(file, distDir = DIST) {
  if (!file.endsWith('.ts') || file.endsWith('.d.ts')) return null;
  for (const { dir, out } of SOURCES) {
    const relative = path.relative(dir, file);
    if (!relative.startsWith('..') && !path.isAbsolute(relative)) {
      return path.join(distDir, path.relative(DIST, out), relative.replace(/\.ts$/, '.js'));
    }
  }
  return null;
}

/** The compiled file's URL for a `file:` URL of src/ or commands/ (`…/src/app.ts` → `…/dist/app.js`), else null. */
export function compiledUrl(url) {
  if (!url.startsWith('file:')) return null;
  const output = outputOf(fileURLToPath(url));
  return output ? pathToFileURL(output).href : null;
}

/** True when dist/ is missing, incomplete, or older than any file in src/ or commands/. */
export function isStale() {
  let built;
  try {
    built = fs.statSync(path.join(DIST, STAMP)).mtimeMs;
  } catch {
    return true;
  }
  return SOURCES.some(({ dir }) => walk(dir).some((file) => fs.statSync(file).mtimeMs > built));
}

/**
 * Every relative import of a compiled file points at the compiled file beside it (`./x.ts` →
 * `./x.js`, `../src/y.ts` from commands/ → `../y.js`); anything else outside the compiled folders
 * (package.json) keeps pointing at the original. Packages stay imports of node_modules.
 */
function relinkImports() {
  return {
    name: 'relink-imports',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        if (!args.path.startsWith('.')) return { path: args.path, external: true };
        const target = path.resolve(path.dirname(args.importer), args.path);
        const from = path.dirname(outputOf(args.importer));
        let link = path
          .relative(from, outputOf(target) ?? target)
          .split(path.sep)
          .join('/');
        if (!link.startsWith('.')) link = `./${link}`;
        return { path: link, external: true };
      });
    },
  };
}

/** Compiles everything into a fresh folder, then puts it in dist/'s place. */
export async function build() {
  const { build: esbuild } = await import('esbuild');
  const files = SOURCES.flatMap(({ dir }) => walk(dir)).filter((file) => outputOf(file));
  const next = `${DIST}.new-${process.pid}`;
  fs.rmSync(next, { recursive: true, force: true });
  await esbuild({
    entryPoints: files.map((file) => ({ in: file, out: path.relative(next, outputOf(file, next)).replace(/\.js$/, '') })),
    outdir: next,
    bundle: true,
    plugins: [relinkImports()],
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Node 20.10+ reads `with { type: 'json' }` (engines: >=20.15); esbuild's table for node20 says no.
    supported: { 'import-attributes': true },
    logLevel: 'warning',
  });
  fs.writeFileSync(path.join(next, STAMP), `${new Date().toISOString()}\n`);
  const old = `${DIST}.old-${process.pid}`;
  if (fs.existsSync(DIST)) fs.renameSync(DIST, old);
  fs.renameSync(next, DIST);
  fs.rmSync(old, { recursive: true, force: true });
  return files.length;
}

/** Builds when dist/ is missing or stale; says so on stderr, and what to do when it cannot. */
export async function ensureBuilt() {
  if (!isStale()) return;
  try {
    await build();
  } catch (error) {
    process.stderr.write(
      `dist/ is missing or older than src/, and building it failed: ${error.message}\nRun \`npm run build\` as a user who can write ${ROOT}.\n`,
    );
    process.exit(1);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv.includes('--if-stale')) await ensureBuilt();
  else process.stdout.write(`built ${await build()} files into dist/\n`);
}
