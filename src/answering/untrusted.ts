import type { Passage } from '../retrieval/passage.ts';
import type { CatalogReader } from '../store/reader.ts';
import { findInstructions } from '../text/instructions.ts';

/*
 * Paragraphs of the articles addressed to an AI ("SYSTEM: ignore previous instructions…", found when
 * the article was stored) are cut out of the passages before anything reads them: they are never
 * given to a model, quoted, or counted as support for a citation. Cut out rather than fenced as
 * untrusted: a model that obeys such text would obey it inside a fence too, and what it is never shown
 * it cannot obey. The rest of a passage stays, as exact spans of the stored text, so citations of it
 * are still checked against the body by offsets.
 */

type Span = { start: number; end: number };

/** The parts of `p` outside `spans` (offsets into the body), trimmed, without empty ones. */
function piecesOutside(p: Passage, spans: readonly Span[]): Passage[] {
  const pieces: Passage[] = [];
  let from = p.start;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start > from) pieces.push(piece(p, from, span.start));
    from = Math.max(from, span.end);
  }
  if (from < p.end) pieces.push(piece(p, from, p.end));
  return pieces.filter((q) => /[\p{L}\p{N}]/u.test(q.text));
}

function piece(p: Passage, start: number, end: number): Passage {
  const raw = p.text.slice(start - p.start, end - p.start);
  const lead = raw.length - raw.trimStart().length;
  const text = raw.trim();
  return { ...p, start: start + lead, end: start + lead + text.length, text };
}

/**
 * The passages with every paragraph addressed to an AI cut out (a passage that was only that is left
 * out), and how many such paragraphs there were. Libraries that cannot say where they are (an older
 * one opened read-only) have the passages read here instead.
 */
export function withoutInstructions(
  catalog: Pick<CatalogReader, 'findings'>,
  passages: readonly Passage[],
): { passages: Passage[]; withheld: number } {
  if (passages.length === 0) return { passages: [], withheld: 0 };
  const stored = catalog.findings.spansInChunks(passages.map((p) => p.chunkId));
  const spansOf = (p: Passage): Span[] =>
    stored ? (stored.get(p.chunkId) ?? []) : findInstructions(p.text).map((f) => ({ start: p.start + f.start, end: p.start + f.end }));
  const kept: Passage[] = [];
  const withheld = new Set<string>();
  for (const p of passages) {
    const spans = spansOf(p);
    for (const s of spans) withheld.add(`${p.collection}\u0000${p.articleId}\u0000${s.start}`);
    kept.push(...(spans.length > 0 ? piecesOutside(p, spans) : [p]));
  }
  return { passages: kept, withheld: withheld.size };
}
