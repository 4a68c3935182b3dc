import type Database from 'better-sqlite3';
import { readMeta, writeMeta } from './meta.ts';
import { fingerprint } from '../../text/near-duplicate.ts';
import { sameStory, storyFacts } from '../../text/story-facts.ts';

/*
 * Libraries written before the same-story rule (text/story-facts.ts) may hold stories merged on
 * shared wording alone: a templated story stored as an alias of another, its text kept with its
 * source but no longer searchable. Once, in the first write after the upgrade, every alias is
 * compared with the story it resolves to again; one that is not the same story (or whose facts
 * the cited text lacks) has its source marked changed, so the next read of that source (the
 * folder's pass at start-up, `newsroom ingest`, the feed's next sync) stores it afresh under the
 * rule: apart, or as the cited version when it is the fuller one.
 */

/** The rule the stored merges were last checked against (in `meta`). */
export const SAME_STORY_RULE = 'facts-v1';
const META_KEY = 'merges_checked';
/** A prefix on a source's content hash: no version read from a source can equal it. */
const RECHECK = 'recheck:';

interface AliasRow {
  collection: string;
  source_id: string;
  content_hash: string;
  title: string;
  body: string | null;
  cited_title: string;
  cited_body: string;
}

/** Marks the aliases the current rule would not merge as changed; returns how many, or null when already checked. */
export function recheckMergesOnce(db: Database.Database): number | null {
  const checked = readMeta(db, META_KEY);
  if (checked === SAME_STORY_RULE) return null;
  return db.transaction(() => {
    const aliases = db
      .prepare<[], AliasRow>(
        `SELECT s.collection, s.source_id, s.content_hash, json_extract(s.version, '$.title') AS title, json_extract(s.version, '$.body') AS body,
                a.title AS cited_title, article_text(a.body) AS cited_body
           FROM article_sources s JOIN articles a ON a.collection = s.collection AND a.id = s.article_id
          WHERE s.source_id <> s.article_id`,
      )
      .all();
    const markSource = db.prepare('UPDATE article_sources SET content_hash = ? WHERE collection = ? AND source_id = ?');
    // A feed item that became the alias is read again at the next sync, whole feed included.
    const markItems = db.prepare(
      `UPDATE feed_items SET item_hash = ? WHERE article_id = ? AND feed_id IN (SELECT id FROM feeds WHERE collection = ?)`,
    );
    const forgetValidators = db.prepare(
      `UPDATE feeds SET etag = NULL, last_modified = NULL WHERE collection = ? AND id IN (SELECT feed_id FROM feed_items WHERE article_id = ?)`,
    );
    let marked = 0;
    for (const alias of aliases) {
      if (alias.body === null || alias.content_hash.startsWith(RECHECK) || stillMerged(alias, alias.body)) continue;
      markSource.run(`${RECHECK}${alias.content_hash}`, alias.collection, alias.source_id);
      markItems.run(RECHECK, alias.source_id, alias.collection);
      forgetValidators.run(alias.collection, alias.source_id);
      marked++;
    }
    writeMeta(db, META_KEY, SAME_STORY_RULE);
    return marked;
  })();
}

/** The same words, or the same story whose cited text holds every fact of the alias. */
function stillMerged(alias: AliasRow, body: string): boolean {
  if (fingerprint(body).textHash === fingerprint(alias.cited_body).textHash) return true;
  const match = sameStory(storyFacts(alias.cited_title, alias.cited_body), storyFacts(alias.title, body));
  return match.same && match.aCoversB;
}
