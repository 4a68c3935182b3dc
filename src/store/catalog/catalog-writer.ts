import type Database from 'better-sqlite3';
import type { Article } from '../../articles/article.ts';
import { FINGERPRINT_VERSION, fingerprint, type Fingerprint } from '../../text/near-duplicate.ts';
import { sameStory, storyFacts, type StoryFacts } from '../../text/story-facts.ts';
import { ArticleSources, type SourceRow, type SourceVersion } from './article-sources.ts';
import { ArticleRowWriter, type ChunkChanges, type EmbeddedChunk } from './article-rows.ts';
import { ChangeLog } from './change-log.ts';
import { blobToEmbedding, embeddingToBlob } from './embedding-blob.ts';
import type { Catalog } from './catalog.ts';
import { decidePut, type PutDecision, type PutFacts } from './put-decision.ts';
import type { PutOutcome } from '../types.ts';
import { isLater, versionDate } from './versions.ts';

/** What storing one source's version did (see putVersion). */
export interface StoreOutcome {
  outcome: PutOutcome;
  /** The stored article the version belongs to now. */
  articleId: string;
  /** For a duplicate: the id the stored story had before (it may now be an alias of `articleId`). */
  duplicateOf?: string;
  /** Vector changes to apply, or null when the cited text did not change. */
  changes: ChunkChanges | null;
}

/** What removing one source would do (see planSourceRemoval). */
export type SourceRemoval =
  | { kind: 'absent' }
  | { kind: 'retract'; articleId: string }
  | { kind: 'alias'; articleId: string }
  | { kind: 'promote'; articleId: string; next: Article };

function versionOf(article: Article, body: string | null): SourceVersion {
  return {
    title: article.title,
    body,
    url: article.url ?? null,
    published: article.published ?? null,
    updated: article.updated ?? null,
    byline: article.byline ?? null,
    section: article.section ?? null,
    tags: article.tags,
  };
}

function sourceRow(
  collection: string,
  article: Article,
  articleId: string,
  body: string | null,
  firstSeen: string,
  now: string,
): SourceRow {
  return {
    collection,
    sourceId: article.id,
    articleId,
    source: article.source,
    contentHash: article.contentHash,
    version: versionOf(article, body),
    firstSeen,
    lastChanged: now,
  };
}

/** A stored source version as the Article it was read as. */
function articleOfVersion(row: SourceRow, body: string): Article {
  const v = row.version;
  const article: Article = { id: row.sourceId, title: v.title, body, tags: v.tags, source: row.source, contentHash: row.contentHash };
  if (v.url !== null) article.url = v.url;
  if (v.published !== null) article.published = v.published;
  if (v.updated !== null) article.updated = v.updated;
  if (v.byline !== null) article.byline = v.byline;
  if (v.section !== null) article.section = v.section;
  return article;
}

/** The versions whose facts hold every other version's: citing one of them loses nothing. */
function fullestVersions<T extends { title: string; body: string; s: SourceRow }>(versions: readonly T[]): SourceRow[] {
  const facts = versions.map((v) => storyFacts(v.title, v.body));
  return versions.filter((_, i) => facts.every((other, k) => k === i || sameStory(facts[i] as StoryFacts, other).aCoversB)).map((v) => v.s);
}

/**
 * Every change to the catalog, each in one transaction that commits a new generation of the
 * change log. Made only for a write (Library.write), under the write lock.
 */
export class CatalogWriter {
  private readonly db: Database.Database;
  private readonly changes: ChangeLog;
  private readonly sources: ArticleSources;
  private readonly rows: ArticleRowWriter;
  private readonly setEmbedding: Database.Statement;
  private readonly setMetaStatement: Database.Statement;

  private readonly catalog: Catalog;

  constructor(catalog: Catalog) {
    this.catalog = catalog;
    this.db = catalog.db;
    this.changes = new ChangeLog(this.db);
    this.sources = new ArticleSources(this.db);
    this.rows = new ArticleRowWriter(this.db, this.changes, this.sources);
    this.setEmbedding = this.db.prepare('UPDATE chunks SET embedding = ?, embedded_in = ? WHERE id = ? AND embedded_in = 0');
    this.setMetaStatement = this.db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  private setMeta(key: string, value: string): void {
    this.setMetaStatement.run(key, value);
  }

  /** Records the model (and the precision of its weights) of the first stored embeddings. */
  setModel(id: string, dimensions: number, dtype: string): void {
    this.setMeta('model', id);
    this.setMeta('dimensions', String(dimensions));
    this.setMeta('dtype', dtype);
  }

  /** Fingerprints the articles stored without one (once, after an upgrade). Returns how many. */
  backfillFingerprints(): number {
    const sources = this.sources;
    return this.db.transaction(() => {
      const count = sources.backfillFingerprints(this.catalog.getMeta('fingerprints'));
      this.setMeta('fingerprints', FINGERPRINT_VERSION);
      return count;
    })();
  }

  /** Finds the paragraphs addressed to an AI in every stored article, once per detector version. Returns how many articles were read. */
  refreshInstructionFindings(): number {
    return this.catalog.findings.refresh();
  }

  fingerprintsCurrent(): boolean {
    return this.catalog.getMeta('fingerprints') === FINGERPRINT_VERSION;
  }

  /**
   * Stores one source's version of a story, in one transaction:
   * - the same version again (content hash) is `unchanged`;
   * - a changed version of a stored article replaces its text (old chunks, keyword rows and vectors
   *   gone), keeping the first publication date and recording when it changed: `updated`;
   * - a new story, or a changed alias, is compared with the collection's stored bodies: the same
   *   words, or a near-duplicate (shingle Jaccard ≥ NEAR_DUPLICATE_THRESHOLD) whose facts agree
   *   (same-story.ts), is the same story (`duplicate`): the newer version is cited under its id
   *   unless it lacks a fact the other holds (then the fuller one stays cited), the other id
   *   becomes an alias;
   * - otherwise it is `added` (`updated` for an alias that no longer matches its story).
   * `chunks` are the incoming version's; they are stored only when its text becomes the cited one.
   */
  putVersion(article: Article, collection: string, chunks: EmbeddedChunk[]): StoreOutcome {
    return this.db.transaction((): StoreOutcome => {
      let print: Fingerprint | undefined;
      const printOf = (): Fingerprint => (print ??= fingerprint(article.body));
      const facts: PutFacts = {
        now: new Date().toISOString(),
        previous: this.sources.get(collection, article.id),
        own: () => {
          const row = this.catalog.ownRow(collection, article.id);
          return row && { row, body: this.catalog.bodyRow(row.key)?.body };
        },
        sameStory: () => {
          const match = this.catalog.findDuplicate(collection, article, printOf());
          return match && { match, cited: this.sources.get(collection, match.row.id) };
        },
      };
      return this.applyPut(article, collection, chunks, decidePut(article, facts), facts.now, printOf);
    })();
  }

  /** Writes what decidePut decided for `article`. */
  private applyPut(
    article: Article,
    collection: string,
    chunks: EmbeddedChunk[],
    decision: PutDecision,
    now: string,
    printOf: () => Fingerprint,
  ): StoreOutcome {
    const sources = this.sources;
    const citedSource = (firstSeen: string): SourceRow => sourceRow(collection, article, article.id, null, firstSeen, now);
    if (decision.kind === 'unchanged') {
      if (decision.moved) sources.moved(collection, article.id, article.source);
      return { outcome: 'unchanged', articleId: decision.articleId, changes: null };
    }
    if (decision.kind === 'replace') {
      const changes = this.rows.write(collection, article, decision.dates, chunks, decision.own, printOf());
      sources.upsert(citedSource(decision.firstSeen));
      return { outcome: 'updated', articleId: article.id, changes };
    }
    if (decision.dropPrevious) sources.delete(collection, article.id);
    if (decision.kind === 'add') {
      const changes = this.rows.write(collection, article, decision.dates, chunks, null, printOf());
      sources.upsert(citedSource(decision.firstSeen));
      return { outcome: decision.outcome, articleId: article.id, changes };
    }
    const stored = decision.stored;
    if (decision.kind === 'alias') {
      sources.upsert(sourceRow(collection, article, stored.id, article.body, decision.firstSeen, now));
      // Nothing to search changed, but the story's sources did: readers listing them look again.
      this.changes.bump();
      return { outcome: 'duplicate', articleId: stored.id, duplicateOf: stored.id, changes: null };
    }
    if (decision.keepCitedBody) sources.setVersionBody(collection, stored.id, this.catalog.bodyRow(stored.key)?.body ?? null);
    const changes = this.rows.write(collection, article, decision.dates, chunks, stored, printOf());
    sources.repoint(collection, stored.id, article.id);
    sources.upsert(citedSource(decision.firstSeen));
    return { outcome: 'duplicate', articleId: article.id, duplicateOf: stored.id, changes };
  }

  /**
   * What removing the source that gives `sourceId` would do (reads only): retract the article (its
   * only source), drop an alias (another version is cited), or hand the article to the newest
   * remaining version that holds the others' facts, else the newest (`promote`, whose chunks the
   * caller computes before `promoteSource`).
   */
  planSourceRemoval(collection: string, sourceId: string): SourceRemoval {
    const row = this.catalog.articleRow(collection, sourceId);
    if (!row) return { kind: 'absent' };
    const all = this.sources.ofArticle(collection, row.id) ?? [];
    const others = all.filter((s) => s.sourceId !== sourceId);
    if (others.length === 0 || !all.some((s) => s.sourceId === sourceId)) return { kind: 'retract', articleId: row.id };
    if (sourceId !== row.id) return { kind: 'alias', articleId: row.id };
    const fullest = fullestVersions(others.map((s) => ({ s, title: s.version.title, body: s.version.body ?? '' })));
    const next = (fullest.length > 0 ? fullest : others).reduce((best, s) =>
      isLater(versionDate(s.version), versionDate(best.version)) ||
      (!isLater(versionDate(best.version), versionDate(s.version)) && s.lastChanged > best.lastChanged)
        ? s
        : best,
    );
    const body = next.version.body ?? this.catalog.bodyRow(row.key)?.body ?? '';
    return { kind: 'promote', articleId: row.id, next: articleOfVersion(next, body) };
  }

  /** Removes one source: retracting its article when it was the last (see planSourceRemoval). */
  dropSource(collection: string, sourceId: string): { removed: 'article' | 'alias'; changes: ChunkChanges | null } | null {
    const plan = this.planSourceRemoval(collection, sourceId);
    if (plan.kind === 'absent') return null;
    if (plan.kind === 'promote') throw new Error(`source ${sourceId} is the cited version of ${plan.articleId}: promote another first`);
    if (plan.kind === 'alias') {
      this.db.transaction(() => {
        this.sources.delete(collection, sourceId);
        this.changes.bump();
      })();
      return { removed: 'alias', changes: null };
    }
    return { removed: 'article', changes: this.removeArticle(collection, plan.articleId) };
  }

  /** Removes the cited version's source and cites `next` (another source's version) in its place, in one transaction. */
  promoteSource(collection: string, sourceId: string, next: Article, chunks: EmbeddedChunk[]): ChunkChanges {
    const sources = this.sources;
    return this.db.transaction((): ChunkChanges => {
      const row = this.catalog.ownRow(collection, sourceId);
      if (!row) throw new Error(`no stored article ${sourceId} in ${collection}`);
      const textChanged = this.catalog.bodyRow(row.key)?.body !== next.body;
      sources.delete(collection, sourceId);
      const changes = this.rows.write(
        collection,
        next,
        { published: row.published, updated: textChanged ? new Date().toISOString() : row.updated },
        chunks,
        row,
        fingerprint(next.body),
      );
      sources.repoint(collection, row.id, next.id);
      sources.setVersionBody(collection, next.id, null);
      return changes;
    })();
  }

  /** Retracts an article (named by its id or an alias) with every source it has; returns the vector changes, or null if it was not stored. */
  removeArticle(collection: string, id: string): ChunkChanges | null {
    return this.db.transaction((): ChunkChanges | null => {
      const row = this.catalog.articleRow(collection, id);
      if (!row) return null;
      const generation = this.changes.generation() + 1;
      const previous = this.rows.delete(row, generation);
      this.sources.deleteOfArticle(collection, row.id);
      this.changes.commit(generation);
      return { inserted: [], added: [], removed: previous.chunkIds, previousKey: previous.key };
    })();
  }

  /** Stores embeddings computed later for pending chunks, in one generation; a chunk embedded meanwhile (or gone) keeps what it has. */
  setEmbeddings(items: { id: number; embedding: Float32Array }[]): ChunkChanges {
    return this.db.transaction((): ChunkChanges => {
      const generation = this.changes.generation() + 1;
      const added: ChunkChanges['added'] = [];
      for (const item of items) {
        const blob = embeddingToBlob(item.embedding);
        // As stored: a rebuild from the catalog reproduces the index exactly.
        if (this.setEmbedding.run(blob, generation, item.id).changes > 0)
          added.push({ id: item.id, embedding: blobToEmbedding(blob, item.embedding.length) });
      }
      this.changes.commit(generation);
      return { inserted: [], added, removed: [] };
    })();
  }

  /** Forgets every embedding and the model they came from (before re-embedding with another model). */
  clearEmbeddings(): void {
    this.db.transaction(() => {
      this.db.exec("UPDATE chunks SET embedding = NULL, embedded_in = 0; DELETE FROM meta WHERE key IN ('model', 'dimensions', 'dtype')");
      this.changes.bump();
    })();
  }
}
