/** Archive imports and the embedding that follows them (CLI `embed`, `ingest`, /readyz, /help). */
export const archiveMessages = {
  /** Null once every chunk is embedded (or the library is empty). */
  coverage: (chunks: number, embedded: number): string | null => {
    if (chunks === 0 || embedded >= chunks) return null;
    // Rounded down: "100 %" only when it is.
    const percent = Math.floor((embedded / chunks) * 100);
    return `hybrid search covers ${percent} % of the archive; the rest is keyword-only (${(chunks - embedded).toLocaleString('en-US')} passages await embedding)`;
  },
  noModel: (problem: string | null) =>
    `The embedding model is unavailable, so nothing can be embedded now${problem ? `: ${problem.replace(/\.+$/, '')}` : ''}. Stored articles stay keyword-searchable.`,
  embedded: (count: number, model: string, seconds: number, awaiting: number) =>
    `embedded ${count.toLocaleString('en-US')} chunks with ${model} in ${seconds.toFixed(1)} s` +
    `${count > 0 && seconds > 0 ? ` (${(count / seconds).toFixed(1)} chunks/s)` : ''} · ${awaiting.toLocaleString('en-US')} awaiting`,
  embedSkipped: (awaiting: number) =>
    `${awaiting.toLocaleString('en-US')} chunks await embedding (keyword-searchable now): run \`newsroom embed\` to embed them, newest stories first.`,
} as const;
