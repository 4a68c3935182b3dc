import { contentStems, stem } from '../retrieval/keyword-query.ts';

export { contentStems, stem };

/** How much each wanted stem matters (see answering/relevance.ts for how questions are weighed). */
export type StemWeights = ReadonlyMap<string, number>;

/** Weighted share of the wanted stems that occur in `have` (0 when nothing is wanted). */
export function coverage(wanted: ReadonlySet<string> | StemWeights, have: ReadonlySet<string>): number {
  let total = 0;
  let found = 0;
  const entries: Iterable<[string, number]> =
    wanted instanceof Map ? wanted.entries() : [...(wanted as ReadonlySet<string>)].map((s): [string, number] => [s, 1]);
  for (const [s, weight] of entries) {
    total += weight;
    if (hasStem(have, s)) found += weight;
  }
  return total === 0 ? 0 : found / total;
}

/**
 * Whether `have` holds `s`, or one of the alternatives of a name's "~key|stem"; "open" is answered by
 * "reopened", "build" by "rebuilt": news reports the re- verbs.
 */
export function hasStem(have: ReadonlySet<string>, s: string): boolean {
  if (s.includes('|')) return s.split('|').some((alternative) => hasStem(have, alternative));
  return have.has(s) || have.has(`re${s}`);
}
