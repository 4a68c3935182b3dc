/*
 * Ranking stories before passages. A reader asks about a story; passages are what a model reads and
 * citations point to. A story's score blends how well the whole article matches (BM25 over headline
 * and body), how well its best passage matches (BM25 and, with the embedding model, dense similarity),
 * and how recent it is relative to the day the question is asked.
 */

/** How much each signal counts in a story's score (each signal is scaled to 0–1 first). */
export const STORY_WEIGHTS = {
  /** BM25 of the whole article, relative to the best story's. */
  article: 0.65,
  /** BM25 of its best passage, relative to the best passage's. */
  passage: 0.35,
  /** Dense rank of its best passage (1 for the nearest, falling with rank), when the model is loaded. */
  dense: 0.35,
} as const;

/**
 * Preference for recent stories: a bonus of `bonus` for a story published on the as-of day, halving
 * every `halfLifeDays`. Small enough that an older story matching far better keeps its place; large
 * enough that the newest of several near-equal matches comes first. Questions asking for "the latest"
 * prefer newer stories more, over a longer span.
 */
export const RECENCY = {
  recent: { bonus: 0.12, halfLifeDays: 10 },
  latest: { bonus: 0.3, halfLifeDays: 30 },
} as const;

/**
 * "The latest on …" asks for the newest story on the subject: stories matching at least this share of
 * the best match come first, newest first; a weaker match never jumps ahead for being new.
 */
export const LATEST_MIN_MATCH = 0.5;

/** Dense ranks are turned into 0–1 as 1 / (1 + rank / DENSE_RANK_SCALE). */
const DENSE_RANK_SCALE = 5;

const DAY_MS = 86_400_000;

export interface StorySignals {
  articleKey: number;
  published: string | null;
  /** BM25 of the whole article (higher is better), or 0. */
  articleScore: number;
  /** Best passage BM25, or 0. */
  passageScore: number;
  /** 0-based rank of its best passage in the dense results, or null. */
  denseRank: number | null;
}

export interface RankedStory extends StorySignals {
  score: number;
}

/** Age in days of a publication date relative to the as-of day (0 for today or undated). */
function ageInDays(published: string | null, asOf: string): number | null {
  if (!published) return null;
  const age = (Date.parse(`${asOf}T00:00:00Z`) - Date.parse(`${published.slice(0, 10)}T00:00:00Z`)) / DAY_MS;
  return Number.isFinite(age) ? Math.max(0, age) : null;
}

export function rankStories(stories: readonly StorySignals[], asOf: string, recency: keyof typeof RECENCY, dense: boolean): RankedStory[] {
  const bestArticle = Math.max(0, ...stories.map((s) => s.articleScore));
  const bestPassage = Math.max(0, ...stories.map((s) => s.passageScore));
  const w = STORY_WEIGHTS;
  const total = w.article + w.passage + (dense ? w.dense : 0);
  const { bonus, halfLifeDays } = RECENCY[recency];
  const ranked = stories.map((s) => {
      const match =
        (w.article * (bestArticle > 0 ? s.articleScore / bestArticle : 0) +
          w.passage * (bestPassage > 0 ? s.passageScore / bestPassage : 0) +
          (dense && s.denseRank !== null ? w.dense / (1 + s.denseRank / DENSE_RANK_SCALE) : 0)) /
        total;
      const age = ageInDays(s.published, asOf);
      const fresh = age === null ? 0 : bonus * 2 ** (-age / halfLifeDays);
      return { ...s, match, score: match + fresh };
    });
  const bestMatch = Math.max(0, ...ranked.map((s) => s.match));
  const onSubject = (s: { match: number }) => recency === 'latest' && s.match >= LATEST_MIN_MATCH * bestMatch;
  return ranked
    .sort(
      (a, b) =>
        Number(onSubject(b)) - Number(onSubject(a)) ||
        (onSubject(a) && onSubject(b) ? (b.published ?? '').localeCompare(a.published ?? '') : 0) ||
        b.score - a.score ||
        a.articleKey - b.articleKey,
    )
    .map(({ match: _match, ...s }) => s);
}
