import { stem } from '../retrieval/keyword-query.ts';
import type { UnansweredQuestion } from '../store/answer-log.ts';

/**
 * Two questions are the same question when the sets of their words (lower-cased, punctuation and
 * filler words dropped, stemmed, in any order) overlap by at least this much: |A ∩ B| / |A ∪ B|.
 * 0.6 joins "How much did the Kestrel Street Bridge repairs cost?" and "What did the Kestrel Street
 * Bridge repair cost?" (5 shared of 8 words: 0.63), and keeps "Who reopened the bridge?" apart from
 * "When did the bridge reopen?" (2 of 4: question words are kept, they say what is asked).
 */
export const SAME_QUESTION = 0.6;

/** Wordings kept per group, newest first. */
const MAX_WORDINGS = 5;

/** Words that carry no subject: dropped before comparing. Question words (who, when, how…) are not among them. */
const FILLER = new Set(
  `a an the and or but if then so of to in on at by for from with about into onto over under after before between during
  is are was were be been being am do does did done doing has have had having will would shall should can could may might must
  i me my we us our you your he him his she her it its they them their this that these those there here
  any some please tell know let find show give say said says just also still yet ever really actually
  s t d ll re ve m`.split(/\s+/),
);

const WORD = /[\p{L}\p{N}]+/gu;
/** Discord mentions and web addresses pasted into a question say nothing about what it asks. */
const NOT_WORDS = /<(?:@[!&]?|#|\/[^:>]*:|a?:\w+:)\d+>|https?:\/\/\S+/gi;

/** The words a question is compared by: distinct, stemmed, filler dropped, sorted. */
export function questionWords(question: string): string[] {
  const words = question.normalize('NFKC').replace(NOT_WORDS, ' ').toLowerCase().match(WORD) ?? [];
  return [...new Set(words.filter((w) => !FILLER.has(w)).map(stem))].sort();
}

/** Questions asked that are the same question, told once. */
export interface QuestionGroup {
  /** The latest wording. */
  question: string;
  /** How many times it was asked, in any of its wordings. */
  count: number;
  lastAskedAt: string;
  firstAskedAt: string;
  /** Where the latest was asked (a Discord server id; null: direct messages, the console or the CLI). */
  guildId: string | null;
  /** The articles that came nearest the latest time. */
  closest: string[];
  /** Distinct wordings, newest first (at most 5). */
  wordings: string[];
}

interface Cluster {
  words: string[];
  members: UnansweredQuestion[];
}

/**
 * Groups identical and near-identical questions (see SAME_QUESTION), most asked first, then most
 * recently asked. `asked` is newest first, as the answer log returns it. Each question joins the
 * group whose first question it is most like, so a group cannot drift from one subject to another
 * through a chain of small differences.
 */
export function groupQuestions(asked: readonly UnansweredQuestion[], threshold: number = SAME_QUESTION): QuestionGroup[] {
  // Identical word sets first: one pass, and most questions asked again are asked the same way.
  const exact = new Map<string, Cluster>();
  for (const q of asked) {
    const words = questionWords(q.question);
    const key = words.length > 0 ? words.join(' ') : `\u0000${q.question.trim().toLowerCase()}`;
    const cluster = exact.get(key);
    if (cluster) cluster.members.push(q);
    else exact.set(key, { words, members: [q] });
  }

  // Then near-identical ones: the most asked wording of each subject founds its group.
  const ordered = [...exact.values()].sort((a, b) => b.members.length - a.members.length);
  const groups: Cluster[] = [];
  const byWord = new Map<string, number[]>();
  for (const cluster of ordered) {
    const target = cluster.words.length > 0 ? mostAlike(cluster.words, groups, byWord, threshold) : null;
    if (target !== null) {
      (groups[target] as Cluster).members.push(...cluster.members);
      continue;
    }
    const index = groups.push({ words: cluster.words, members: [...cluster.members] }) - 1;
    for (const word of cluster.words) byWord.set(word, [...(byWord.get(word) ?? []), index]);
  }

  return groups
    .map((g) => summarize(g.members))
    .sort((a, b) => b.count - a.count || b.lastAskedAt.localeCompare(a.lastAskedAt));
}

/** The group whose founding words overlap `words` most, if by at least `threshold`. */
function mostAlike(words: readonly string[], groups: readonly Cluster[], byWord: ReadonlyMap<string, number[]>, threshold: number): number | null {
  const shared = new Map<number, number>();
  for (const word of words) for (const index of byWord.get(word) ?? []) shared.set(index, (shared.get(index) ?? 0) + 1);
  let best: { index: number; score: number } | null = null;
  for (const [index, overlap] of shared) {
    const other = (groups[index] as Cluster).words.length;
    const score = overlap / (words.length + other - overlap);
    if (score >= threshold && (!best || score > best.score)) best = { index, score };
  }
  return best?.index ?? null;
}

function summarize(members: readonly UnansweredQuestion[]): QuestionGroup {
  const newestFirst = [...members].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const latest = newestFirst[0] as UnansweredQuestion;
  const wordings: string[] = [];
  const seen = new Set<string>();
  for (const m of newestFirst) {
    const text = m.question.replace(/\s+/g, ' ').trim();
    if (seen.has(text.toLowerCase())) continue;
    seen.add(text.toLowerCase());
    wordings.push(text);
    if (wordings.length >= MAX_WORDINGS) break;
  }
  return {
    question: latest.question,
    count: members.length,
    lastAskedAt: latest.createdAt,
    firstAskedAt: (newestFirst.at(-1) as UnansweredQuestion).createdAt,
    guildId: latest.guildId,
    closest: latest.closest,
    wordings,
  };
}
