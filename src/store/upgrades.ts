import type { Logger } from '../log.ts';
import { compressBodiesOnce } from './catalog/article-body.ts';
import type { CatalogWriter } from './catalog/catalog-writer.ts';
import type { Catalog } from './catalog/catalog.ts';
import { compactEmbeddingsOnce } from './catalog/embedding-blob.ts';
import { mergeKeywordIndexesWhenDue } from './catalog/keyword-index-merge.ts';
import { recheckMergesOnce } from './catalog/merge-recheck.ts';

/*
 * What a library written by an earlier version gains in its first write (each step is marked done
 * in the catalog, and costs a read of that mark in later writes), and the upkeep after each write.
 * Each is logged with what it did and how long it took.
 */

/** The one-time upgrades: fingerprints, instruction findings, float16 embeddings, deflated bodies. */
export function upgradeStoredData(catalog: Catalog, edits: CatalogWriter, logger: Logger): void {
  fingerprintOnce(catalog, edits, logger);
  timed(logger, () => edits.refreshInstructionFindings(), 'articles', 'looked for text addressed to an AI in the stored articles');
  timed(logger, () => compactEmbeddingsOnce(catalog.db), 'embeddings', 'stored embeddings rewritten as float16');
  timed(logger, () => compressBodiesOnce(catalog.db), 'articles', 'stored article bodies compressed');
}

/** After large additions, each keyword index merged into one segment (see keyword-index-merge.ts); a failure is logged, the write stands. */
export function mergeKeywordIndexes(catalog: Catalog, logger: Logger): void {
  try {
    timed(logger, () => mergeKeywordIndexesWhenDue(catalog.db), 'chunks', 'keyword indexes merged after growing');
  } catch (error) {
    logger.warn({ err: error }, 'keyword indexes not merged; they stay as they are and are tried again after the next write');
  }
}

/** Articles stored before duplicate detection existed get their fingerprints; stories merged on shared wording alone are flagged. */
function fingerprintOnce(catalog: Catalog, edits: CatalogWriter, logger: Logger): void {
  const unmerged = recheckMergesOnce(catalog.db);
  if (unmerged)
    logger.warn({ sources: unmerged }, 'stories merged on shared wording alone are stored apart when their sources are next read');
  if (edits.fingerprintsCurrent()) return;
  timed(logger, () => edits.backfillFingerprints(), 'articles', 'fingerprinted stored articles for duplicate detection');
}

/** Runs `step`, which returns how many things it changed, and logs that count (under `unit`) and its time when it changed any. */
function timed(logger: Logger, step: () => number, unit: string, message: string): void {
  const started = performance.now();
  const count = step();
  if (count > 0) logger.info({ [unit]: count, ms: Math.round(performance.now() - started) }, message);
}
