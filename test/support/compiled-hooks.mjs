// Module hooks of `npm test` (registered by compiled.mjs): imports of src/ and commands/ load the
// compiled JavaScript in dist/, the code `npm start` runs; the test files themselves (TypeScript)
// are stripped of their types by esbuild. Lighter than a general TypeScript loader, which would
// run every module of node_modules through its hooks too.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import { compiledUrl } from '../../scripts/build.mjs';

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const compiled = compiledUrl(resolved.url);
  return compiled ? { ...resolved, url: compiled } : resolved;
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const file = fileURLToPath(url);
  const { code } = await transform(fs.readFileSync(file, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    supported: { 'import-attributes': true },
    sourcefile: file,
    sourcemap: 'inline',
  });
  return { format: 'module', source: code, shortCircuit: true };
}
