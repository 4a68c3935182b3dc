/** EMBEDDINGS_URL: an OpenAI-compatible /v1/embeddings server that embeds in place of the local model. */
export const embeddingServerMessages = {
  /** Every problem with the server starts with where it is (`server` carries no credentials). */
  failed: (server: string, cause: string) => `The embeddings server at ${server} failed: ${cause}`,
  refused: (server: string, cause: string) => `The embeddings server at ${server} is not used: ${cause}`,
  // Causes, completing the sentences above.
  httpError: (detail: string) => detail,
  fewerVectors: (got: number, sent: number) => `it returned ${got} vectors for ${sent} texts`,
  badIndex: (index: unknown, sent: number) => `it returned a vector for text number ${String(index)} of ${sent}`,
  wrongLength: (got: number, expected: number, modelId: string) =>
    `it returned a vector of ${got} numbers, but ${modelId} makes vectors of ${expected}`,
  notFinite: (value: string) => `it returned a vector holding ${value}, not a finite number`,
  zeroVector: () => 'it returned a vector of zeros',
  otherModelName: (reported: string, requested: string, modelId: string) =>
    `it answers with model "${reported}", not "${requested}"; the library holds ${modelId} vectors only ` +
    '(set EMBEDDINGS_MODEL to the name the server gives that model, or point EMBEDDINGS_URL at a server running it)',
  probeDisagrees: (modelId: string, cosine: number, probe: string) =>
    `its vectors do not match ${modelId} run on this machine: cosine ${cosine.toFixed(3)} for the test text "${probe}", ` +
    'at least 0.99 needed. The server runs another model, or the same one with other settings (pooling, prefixes, normalisation); ' +
    'mixing them would make search return unrelated passages. Point EMBEDDINGS_URL at a server running that model, or unset it to embed here',
  keptForLater: (chunks: number) =>
    `${chunks} ${chunks === 1 ? 'chunk was' : 'chunks were'} stored without a vector (keyword-searchable now) and will be embedded when the server answers again`,
  /** Shown with search results (readers see it): the question could not be embedded this time. */
  keywordOnlyNow:
    'Semantic search is unavailable right now (the embeddings server did not answer), so this comes from keyword search only.',
  resumed: (chunks: number) =>
    `the embeddings server answers again: embedded ${chunks} ${chunks === 1 ? 'chunk' : 'chunks'} left for later`,
} as const;
