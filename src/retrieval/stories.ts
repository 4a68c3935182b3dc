/*
 * Ranking stories before passages. A reader asks about a story; passages are what a model reads and
 * citations point to. A story's keyword match blends three views of the question's words: how well its
 * best passages match (BM25; the second-best counts half, so a story whose words are spread over two
 * passages ranks as a whole), how well the whole article matches (BM25 over headline and body as one
 * document, headline words weighted: what a reader scanning the archive would match), and how many of
 * the question's words its headline holds (a story about the subject, not one mentioning it in
 * passing). Then how close its nearest passage is in meaning (dense rank, with the embedding model),
 * and how recent it is relative to the day the question is asked. A story none of whose passages is
 * embedded yet (an archive being embedded) cannot have a dense rank: it is ranked on its keyword match
 * alone, not pushed below embedded stories for lacking one.
 */

/** How much each signal counts in a story's score (each signal is scaled to 0–1 first). */
export const STORY_WEIGHTS = {
  /** The keyword match (the three below, blended), against the dense rank. */
  keyword: 1,
  /** Dense rank of its nearest passage (1 for the nearest, falling with rank), when the model is loaded. */
  dense: 0.5,
  /** Share of the second-best passage's BM25 added to the best's. */
  secondPassage: 0.5,
  /** Within the keyword match: its best passages' BM25, relative to the best story's. */
  passages: 1,
  /** Within the keyword match: the whole article's BM25, relative to the best story's. */
  article: 1,
  /** Within the keyword match: the share of the question's words in its headline. */
  headline: 0.5,
} as const;

/**
 * Preference for recent stories: a bonus of `bonus` (in units of the best story's match, 1) for a
 * story published on the as-of day, halving every `halfLifeDays`. News questions are mostly about the
 * last few days, so a story of the day is preferred over one matching up to 30 % better; a story
 * matching far better keeps its place, and a week later the bonus is half as large. Questions asking
 * for "the latest" prefer newer stories over a longer span.
 */
export const RECENCY = {
  recent: { bonus: 0.3, halfLifeDays: 7 },
  latest: { bonus: 0.3, halfLifeDays: 30 },
} as const;

/**
 * The more stories match the question closely (within CLOSE_MATCH of the best), the more recency
 * decides between them: a large archive holds many follow-ups on one subject, and the question is
 * about the latest of them before its day. The bonus grows by GROWTH for every doubling of close
 * matches, up to MAX_SCALE times; with one close match it is as above.
 */
export const RECENCY_SCALE = { closeMatch: 0.8, growth: 0.25, maxScale: 2 } as const;

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
  /** BM25 of its passages found by keyword search, best first (higher is better). */
  passageScores: number[];
  /** BM25 of the whole article (headline and body), higher is better; 0 when it does not match. */
  articleScore: number;
  /** Share (0–1) of the question's words in its headline. */
  headlineShare: number;
  /** 0-based rank of its best passage in the dense results, or null. */
  denseRank: number | null;
  /** Whether any of its passages found is in the vector index (false while they wait for embeddings). */
  embedded: boolean;
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

/** A story's passage signal: its best passage's BM25 plus a share of its second best. */
function passageScore(s: StorySignals): number {
  const [best = 0, second = 0] = s.passageScores;
  return best + STORY_WEIGHTS.secondPassage * second;
}

/** Each story's keyword match (0–1): its passages, whole article and headline, each relative to the best story's. */
function keywordMatches(stories: readonly StorySignals[]): number[] {
  const w = STORY_WEIGHTS;
  const bestPassage = Math.max(0, ...stories.map(passageScore));
  const bestArticle = Math.max(0, ...stories.map((s) => s.articleScore));
  const total = w.passages + w.article + w.headline;
  const share = (value: number, best: number) => (best > 0 ? value / best : 0);
  return stories.map(
    (s) =>
      (w.passages * share(passageScore(s), bestPassage) + w.article * share(s.articleScore, bestArticle) + w.headline * s.headlineShare) /
      total,
  );
}

/** How many times the recency bonus counts, given the stories' matches (see RECENCY_SCALE). */
export function recencyScale(matches: readonly number[]): number {
  const best = Math.max(0, ...matches);
  if (best === 0) return 1;
  const close = matches.filter((m) => m >= RECENCY_SCALE.closeMatch * best).length;
  return Math.min(RECENCY_SCALE.maxScale, 1 + RECENCY_SCALE.growth * Math.log2(Math.max(1, close)));
}

export function rankStories(stories: readonly StorySignals[], asOf: string, recency: keyof typeof RECENCY, dense: boolean): RankedStory[] {
  const w = STORY_WEIGHTS;
  const total = w.keyword + (dense ? w.dense : 0);
  const keywords = keywordMatches(stories);
  const matches = stories.map((s, i) => {
    const keyword = w.keyword * (keywords[i] ?? 0);
    return dense && (s.embedded || s.denseRank !== null)
      ? (keyword + (s.denseRank !== null ? w.dense / (1 + s.denseRank / DENSE_RANK_SCALE) : 0)) / total
      : keyword / w.keyword;
  });
  const { halfLifeDays } = RECENCY[recency];
  const bonus = RECENCY[recency].bonus * recencyScale(matches);
  const ranked = stories.map((s, i) => {
    const match = matches[i] ?? 0;
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
