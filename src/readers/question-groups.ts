import { stem } from '../retrieval/keyword-query.ts';
import type { UnansweredQuestion } from './answer-log.ts';

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
  const keyOf = memoized((question: string) => {
    const words = questionWords(question);
    return { words, key: words.length > 0 ? words.join(' ') : `\u0000${question.trim().toLowerCase()}` };
  });
  for (const q of asked) {
    const { words, key } = keyOf(q.question);
    const cluster = exact.get(key);
    if (cluster) cluster.members.push(q);
    else exact.set(key, { words, members: [q] });
  }

  // Then near-identical ones: the most asked wording of each subject founds its group. Only
  // groups sharing a rare word with a question can reach the threshold (the prefix filter of
  // all-pairs similarity search), so common words ("when", "bridge") never make it compare with all.
  const rarity = new Map<string, number>();
  for (const cluster of exact.values()) for (const word of cluster.words) rarity.set(word, (rarity.get(word) ?? 0) + 1);
  const ordered = [...exact.values()].sort((a, b) => b.members.length - a.members.length);
  const groups: { words: Set<string>; members: UnansweredQuestion[] }[] = [];
  const byPrefixWord = new Map<string, number[]>();
  /** The cluster a group was last compared with, so each candidate is compared once. */
  const comparedWith: number[] = [];
  for (const [turn, cluster] of ordered.entries()) {
    // Rarest first: the order the prefix filter needs, the same for every question.
    const words = [...cluster.words].sort((a, b) => (rarity.get(a) ?? 0) - (rarity.get(b) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
    const prefix = words.slice(0, words.length - Math.ceil(threshold * words.length) + 1);
    let best: { index: number; score: number } | null = null;
    for (const word of prefix) {
      for (const index of byPrefixWord.get(word) ?? []) {
        if (comparedWith[index] === turn) continue;
        comparedWith[index] = turn;
        const founder = (groups[index] as (typeof groups)[number]).words;
        let shared = 0;
        for (const w of words) if (founder.has(w)) shared++;
        const score = shared / (words.length + founder.size - shared);
        if (score >= threshold && (!best || score > best.score || (score === best.score && index < best.index))) best = { index, score };
      }
    }
    if (best) {
      const group = groups[best.index] as (typeof groups)[number];
      group.members = group.members.concat(cluster.members);
      continue;
    }
    const index = groups.push({ words: new Set(words), members: cluster.members }) - 1;
    for (const word of prefix) {
      const indexes = byPrefixWord.get(word);
      if (indexes) indexes.push(index);
      else byPrefixWord.set(word, [index]);
    }
  }

  return groups.map((g) => summarize(g.members)).sort((a, b) => b.count - a.count || b.lastAskedAt.localeCompare(a.lastAskedAt));
}

function memoized<T>(f: (text: string) => T): (text: string) => T {
  const seen = new Map<string, T>();
  return (text) => {
    if (seen.has(text)) return seen.get(text) as T;
    const value = f(text);
    seen.set(text, value);
    return value;
  };
}

function summarize(members: readonly UnansweredQuestion[]): QuestionGroup {
  // One pass for the latest and the first asking, and each wording's latest asking (ISO instants
  // compare as plain strings); only the distinct wordings, usually few, are sorted.
  let latest = members[0] as UnansweredQuestion;
  let first = latest;
  const lastAsked = new Map<string, string>();
  for (const m of members) {
    if (m.createdAt > latest.createdAt) latest = m;
    if (m.createdAt < first.createdAt) first = m;
    const seen = lastAsked.get(m.question);
    if (seen === undefined || m.createdAt > seen) lastAsked.set(m.question, m.createdAt);
  }
  const wordings: string[] = [];
  const seen = new Set<string>();
  for (const [question] of [...lastAsked].sort((a, b) => (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0))) {
    const text = question.replace(/\s+/g, ' ').trim();
    if (seen.has(text.toLowerCase())) continue;
    seen.add(text.toLowerCase());
    wordings.push(text);
    if (wordings.length >= MAX_WORDINGS) break;
  }
  return {
    question: latest.question,
    count: members.length,
    lastAskedAt: latest.createdAt,
    firstAskedAt: first.createdAt,
    guildId: latest.guildId,
    closest: latest.closest,
    wordings,
  };
}
