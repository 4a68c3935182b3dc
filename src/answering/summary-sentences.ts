import type { Passage } from '../retrieval/passage.ts';
import { isStatement, sentencesOf, type SentenceRef } from './extractive.ts';
import { stem } from './terms.ts';
import type { SummaryLength } from './types.ts';
import { SUMMARY_WEIGHTS } from './weights.ts';

/*
 * Extract-mode summaries. A news story puts its essentials in the lede, so every summary opens with it;
 * the rest are the sentences most central to the story (sharing its vocabulary), never two saying the
 * same thing. Bullets are the story's distinct points: facts (figures, names) from different parts of
 * the story, not the paragraph's sentences cut into lines. Weights: SUMMARY_WEIGHTS (weights.ts).
 */

const SENTENCES: Record<SummaryLength, number> = { brief: 2, standard: 5, bullets: 5 };

function termFrequencies(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map(stem)) {
    if (term.length > 2) counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  return counts;
}

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [k, v] of a) {
    na += v * v;
    dot += v * (b.get(k) ?? 0);
  }
  for (const v of b.values()) nb += v * v;
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/** Figures and names make a bullet a point of fact. */
function factWeight(text: string): number {
  const figures = /\d/.test(text) ? SUMMARY_WEIGHTS.figureBonus : 0;
  const names = (text.slice(1).match(/\s\p{Lu}\p{Ll}+/gu) ?? []).length > 0 ? SUMMARY_WEIGHTS.nameBonus : 0;
  return figures + names;
}

interface Candidate extends SentenceRef {
  terms: Map<string, number>;
}

/** Statements of one article, in order, each passage's overlap with the previous one removed. */
function statements(passages: readonly Passage[]): Candidate[] {
  const seen = new Set<number>();
  const out: Candidate[] = [];
  for (const s of passages.flatMap(sentencesOf)) {
    if (seen.has(s.start) || !isStatement(s.text)) continue;
    seen.add(s.start);
    out.push({ ...s, terms: termFrequencies(s.text) });
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * Key sentences of one article, in article order, opening with the lede. `bullets` picks one point
 * from each part of the story in turn (its beginning, middle and end), so they cover the whole of it.
 */
export function keySentences(passages: readonly Passage[], length: SummaryLength): SentenceRef[] {
  const all = statements(passages);
  const [lede] = all;
  if (!lede) return [];
  const whole = termFrequencies(all.map((s) => s.text).join(' '));
  const centrality = (s: Candidate) => cosine(s.terms, whole) + (length === 'bullets' ? factWeight(s.text) : 0);
  const byCentrality = (a: Candidate, b: Candidate) => centrality(b) - centrality(a);
  const want = Math.min(SENTENCES[length], all.length);
  const chosen =
    length === 'bullets' ? pointsOfEachPart(lede, all.slice(1), want, byCentrality) : mostCentral(lede, all.slice(1), want, byCentrality);
  return chosen.sort((a, b) => a.start - b.start).map(({ terms: _terms, ...s }) => s);
}

type Order = (a: Candidate, b: Candidate) => number;

/** Whether `s` says what one of `chosen` already says. */
function repeats(chosen: readonly Candidate[], s: Candidate): boolean {
  return chosen.some((c) => cosine(c.terms, s.terms) > SUMMARY_WEIGHTS.samePoint);
}

/** The lede, then the most central of the rest that say something new, up to `want` sentences. */
function mostCentral(lede: Candidate, rest: readonly Candidate[], want: number, order: Order): Candidate[] {
  const chosen = [lede];
  for (const s of [...rest].sort(order)) {
    if (chosen.length >= want) break;
    if (!repeats(chosen, s)) chosen.push(s);
  }
  return chosen;
}

/** The lede, then the most central new point of each of `want - 1` consecutive parts of the rest. */
function pointsOfEachPart(lede: Candidate, rest: readonly Candidate[], want: number, order: Order): Candidate[] {
  const chosen = [lede];
  const parts = want - 1;
  for (let part = 0; part < parts; part++) {
    const section = rest.slice(Math.floor((part * rest.length) / parts), Math.floor(((part + 1) * rest.length) / parts));
    const best = section.filter((s) => !repeats(chosen, s)).sort(order)[0];
    if (best) chosen.push(best);
  }
  return chosen;
}

/** Quoted sentences (each with its marker) as a summary of the asked length: bullets, or one paragraph. */
export function extractSummaryText(sentences: readonly string[], length: SummaryLength): string {
  return length === 'bullets' ? sentences.map((t) => `- ${t}`).join('\n') : sentences.join(' ');
}
