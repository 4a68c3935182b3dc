import type { Article } from '../../articles/article.ts';
import type { ArticleRow } from './article-rows.ts';
import type { SourceRow } from './article-sources.ts';
import type { DuplicateMatch } from './same-story.ts';
import { earliest, firstUpdated, incomingIsNewer, isLater, versionDate } from './versions.ts';

/*
 * What storing one source's version of a story should do, decided from what the catalog holds and
 * nothing else: no SQL here, so the duplicate policy reads (and is tested) on its own.
 * CatalogWriter.putVersion reads the facts and applies the decision in one transaction.
 */

/** The dates an article row is written with. */
export interface StoryDates {
  published: string | null;
  updated: string | null;
}

/** The stored story an incoming version repeats, and the source version it cites now (if recorded). */
export interface SameStoryFacts {
  match: DuplicateMatch;
  cited: SourceRow | undefined;
}

/**
 * What the decision reads. `own` and `sameStory` are looked up only when the decision needs them
 * (finding the same story compares bodies), in this order.
 */
export interface PutFacts {
  now: string;
  /** The version this source stored last time, if any. */
  previous: SourceRow | undefined;
  /** The article stored under the incoming id, with its body. */
  own(): { row: ArticleRow; body: string | undefined } | undefined;
  /** The stored story the incoming version repeats (another id); null if none. */
  sameStory(): SameStoryFacts | null;
}

export type PutDecision =
  /** The same version again: nothing to write but, perhaps, where it now comes from. */
  | { kind: 'unchanged'; articleId: string; moved: boolean }
  /** A changed version of the article stored under its id: its text replaced where it stands. */
  | { kind: 'replace'; own: ArticleRow; dates: StoryDates; firstSeen: string }
  /** A story not stored yet (`updated` for an alias that no longer matches its story). */
  | { kind: 'add'; outcome: 'added' | 'updated'; dates: StoryDates; firstSeen: string; dropPrevious: boolean }
  /** The same story as `stored`, which stays cited: the version is kept as one of its sources. */
  | { kind: 'alias'; stored: ArticleRow; firstSeen: string; dropPrevious: boolean }
  /** The same story as `stored`, and the incoming version is cited from now on, under its own id. */
  | { kind: 'supersede'; stored: ArticleRow; dates: StoryDates; firstSeen: string; keepCitedBody: boolean; dropPrevious: boolean };

/** What storing `article` should do (see CatalogWriter.putVersion for the policy in words). */
export function decidePut(article: Article, facts: PutFacts): PutDecision {
  const { previous, now } = facts;
  if (previous && previous.contentHash === article.contentHash) {
    return { kind: 'unchanged', articleId: previous.articleId, moved: previous.source !== article.source };
  }
  const own = facts.own();
  if (own) return replaceOwn(article, own.row, own.body, previous, now);
  // A changed alias is matched afresh.
  const dropPrevious = previous !== undefined;
  const firstSeen = previous?.firstSeen ?? now;
  const same = facts.sameStory();
  if (!same) {
    const dates = { published: article.published ?? null, updated: firstUpdated(article) };
    return { kind: 'add', outcome: previous ? 'updated' : 'added', dates, firstSeen, dropPrevious };
  }
  const { match, cited } = same;
  const stored = match.row;
  const newer = incomingIsNewer(article, cited?.version ?? stored);
  // Cited from now on: the newer version, unless that would lose a fact only the other holds.
  if (!match.incomingCovers || (match.storedCovers && !newer)) return { kind: 'alias', stored, firstSeen, dropPrevious };
  const published = earliest(stored.published, article.published);
  const when = versionDate(article);
  const updated = match.sameWords || !newer ? stored.updated : isLater(when, published) ? when : now;
  return { kind: 'supersede', stored, dates: { published, updated }, firstSeen, keepCitedBody: cited !== undefined, dropPrevious };
}

/**
 * The cited version changed: its text is replaced where it stands. It was updated at the source's
 * own new date (when after publication), else now if its words changed; a change of details only
 * (tags, a date's format) leaves `updated` as it was.
 */
function replaceOwn(
  article: Article,
  own: ArticleRow,
  ownBody: string | undefined,
  previous: SourceRow | undefined,
  now: string,
): PutDecision {
  const published = earliest(own.published, article.published);
  const ownDate =
    article.updated && article.updated !== previous?.version.updated && isLater(article.updated, published) ? article.updated : null;
  const wordsChanged = own.title !== article.title || ownBody !== article.body;
  const updated = ownDate ?? (wordsChanged ? now : own.updated);
  return { kind: 'replace', own, dates: { published, updated }, firstSeen: previous?.firstSeen ?? own.ingested_at };
}
