/** The constant of reciprocal rank fusion (Cormack et al. 2009): dampens the weight of top ranks. */
export const RRF_K = 60;

/**
 * Reciprocal rank fusion of ranked id lists: score(id) = Σ 1 / (RRF_K + rank). Returns ids
 * best first, with their score and their 1-based rank in each list (null when absent).
 */
export function reciprocalRankFusion(lists: readonly (readonly number[])[]): { id: number; score: number; ranks: (number | null)[] }[] {
  const fused = new Map<number, { score: number; ranks: (number | null)[] }>();
  lists.forEach((list, listIndex) => {
    list.forEach((id, i) => {
      let entry = fused.get(id);
      if (!entry) {
        entry = { score: 0, ranks: lists.map(() => null) };
        fused.set(id, entry);
      }
      entry.score += 1 / (RRF_K + i + 1);
      entry.ranks[listIndex] = i + 1;
    });
  });
  return [...fused.entries()]
    .map(([id, entry]) => ({ id, ...entry }))
    .sort((a, b) => b.score - a.score || a.id - b.id);
}

/** Keeps at most `cap` items per group, in order, so one long article cannot crowd out the rest. */
export function capPerGroup<T>(items: readonly T[], groupOf: (item: T) => string, cap: number): T[] {
  const counts = new Map<string, number>();
  return items.filter((item) => {
    const group = groupOf(item);
    const n = counts.get(group) ?? 0;
    if (n >= cap) return false;
    counts.set(group, n + 1);
    return true;
  });
}
