export type { Article, LoadResult } from './article.ts';
export { IdRegistry } from './duplicates.ts';
export { contentHash, idFromFileName, idFromUrl, isValidId, slugify } from './identity.ts';
export { DEFAULT_CONCURRENCY, listArticleFiles, loadPaths, type LoadPathsOptions } from './load.ts';
export { normalizeBody, normalizeLine } from './normalize.ts';
export {
  DEFAULT_MAX_BYTES,
  formatFor,
  isSupportedFileName,
  type ArticleFormat,
  type ParseOptions,
} from './parse.ts';
export { parseArticleBuffer, type ParseBufferOptions } from './parse-buffer.ts';
export {
  DEFAULT_PARSE_TIME_LIMIT_MS,
  ParsePool,
  ParseWorkerError,
  sharedParsePool,
  type ParsePoolOptions,
} from './parse-pool.ts';
export { MAX_NESTING_DEPTH } from './nesting.ts';
export { normalizePublished } from './published.ts';
export { loadUrl, type LoadUrlOptions } from './url.ts';
