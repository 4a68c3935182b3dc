/*
 * Hostile inputs for the parsing limits, shared by tests and bench/hostile.ts. Sizes are
 * parameters so a test can keep them small and a benchmark can push them.
 */

/** A page whose story sits inside `depth` nested <div>s (2,000 levels once took Readability 109 s). */
export function nestedHtml(depth: number): string {
  return `<!DOCTYPE html><html><head><title>Nested</title></head><body>${'<div>'.repeat(depth)}<p>Deep inside.</p>${'</div>'.repeat(depth)}</body></html>`;
}

/**
 * `chains` side-by-side stacks of `depth` nested <div>s, each under the nesting limit: none is
 * refused for its depth, but Readability spends over 0.1 s on each stack of 250 levels, so 300 of
 * them (0.8 MB) run into the time limit instead, even on a machine several times faster than ours.
 */
export function wideNestedHtml(chains: number, depth: number): string {
  const chain = `${'<div>'.repeat(depth)}<p>Paragraph of the story, long enough to be scored as content by Readability.</p>${'</div>'.repeat(depth)}`;
  return `<!DOCTYPE html><html><head><title>Wide</title></head><body><article>${chain.repeat(chains)}</article></body></html>`;
}

/** A JSON export holding one array nested `depth` levels deep. */
export function nestedJsonArrays(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** A Markdown list indented one more level on each of `items` lines. */
export function nestedMarkdownList(items: number): string {
  const lines = Array.from({ length: items }, (_, i) => `${'  '.repeat(i)}- item ${i + 1}`);
  return `# Nested list\n\n${lines.join('\n')}\n`;
}
