import type { Passage } from '../retrieval/passage.ts';
import { MARKER_GROUP_SOURCE, MARKER_SOURCE } from '../text/markers.ts';
import { findNormalized } from '../text/normalize.ts';
import { splitSentences, type Span } from '../text/sentences.ts';
import { checkSupport } from './support.ts';
import { contentStems, coverage } from './terms.ts';
import type { Citation } from './types.ts';

/** What the model replies when the passages do not hold the answer (see prompts/answer.md). */
export const NOT_IN_ARTICLES = 'NOT_IN_ARTICLES';

const MARKER_GROUP = new RegExp(MARKER_GROUP_SOURCE, 'g');
const ONE_MARKER = new RegExp(MARKER_SOURCE, 'g');
const TRAILING_MARKERS = new RegExp(`([.!?…]["'”’)]*)(${MARKER_GROUP_SOURCE})`, 'g');
const QUOTE = /["“]([^"“”\n]{3,600})["”]/g;
const BULLET = /^\s*(?:[-*•]|\d+[.)])\s+/;
const TERMINAL = /[.!?…]["'”’)]*$/;

/** One sentence (or bullet) of the model's reply, with what it cites. */
interface Unit {
  text: string;
  bullet: boolean;
  paragraph: number;
  /** 0-based indexes into the passages. */
  cited: number[];
  /** Quotes in the unit, each with where it was found (passage index and span in passage.text). */
  quotes: { passage: number; span: Span }[];
}

export interface VerifiedText {
  /** Units with valid citations, renumbered; or, when none has one, the claims with no markers. */
  text: string;
  citations: Citation[];
  /** True when at least one sentence carries a valid, verified citation. */
  sourced: boolean;
  notices: {
    droppedMarkers: number;
    fabricatedQuotes: number;
    /** Citations dropped because the cited passage does not support the sentence (support.ts). */
    unsupportedCitations: number;
    uncitedSentences: number;
    truncated: boolean;
  };
}

export interface VerifyOptions {
  /** The model stopped at its token limit: an unfinished last sentence is dropped. */
  truncated?: boolean;
  /** Stored article body, to double-check every excerpt against it. */
  bodyOf: (passage: Passage) => string | undefined;
}

/** Expands "[1]", "[1, 3]", "[2-4]" into numbers. */
function markerNumbers(group: string): number[] {
  const numbers: number[] = [];
  for (const m of group.matchAll(ONE_MARKER)) {
    for (const part of m[0].slice(1, -1).trim().split(/\s*[,;]\s*/)) {
      const range = part.split(/\s*[–-]\s*/).map(Number);
      const [from, to] = [range[0] ?? NaN, range[1] ?? range[0] ?? NaN];
      if (Number.isInteger(from) && Number.isInteger(to) && to >= from && to - from < 20) {
        for (let n = from; n <= to; n++) numbers.push(n);
      }
    }
  }
  return numbers;
}

/** Moves markers written after a sentence's full stop ("closed. [1]") in front of it ("closed [1]."). */
function attachTrailingMarkers(text: string): string {
  return text.replace(TRAILING_MARKERS, '$2$1');
}

function splitUnits(reply: string): { text: string; bullet: boolean; paragraph: number }[] {
  const units: { text: string; bullet: boolean; paragraph: number }[] = [];
  attachTrailingMarkers(reply.trim())
    .split(/\n\s*\n/)
    .forEach((paragraph, index) => {
      const lines = paragraph.split('\n');
      if (lines.every((line) => BULLET.test(line) || line.trim() === '')) {
        for (const line of lines) if (line.trim()) units.push({ text: line.replace(BULLET, '').trim(), bullet: true, paragraph: index });
        return;
      }
      const flat = paragraph.replace(/\s*\n\s*/g, ' ');
      for (const s of splitSentences(flat)) units.push({ text: flat.slice(s.start, s.end), bullet: false, paragraph: index });
    });
  return units;
}

/** Where `quote` occurs in a passage (normalising quote marks and spaces), preferring cited ones. */
function locateQuote(quote: string, passages: readonly Passage[], preferred: number[]): { passage: number; span: Span } | null {
  const order = [...preferred, ...passages.keys()].filter((v, i, all) => all.indexOf(v) === i);
  for (const index of order) {
    const passage = passages[index];
    const span = passage ? findNormalized(passage.text, quote) : null;
    if (span) return { passage: index, span };
  }
  return null;
}

/** Sentences of a passage (offsets into passage.text). */
function passageSentences(passage: Passage): Span[] {
  const spans = splitSentences(passage.text);
  return spans.length > 0 ? spans : [{ start: 0, end: passage.text.length }];
}

/** The sentence(s) of `passage` that best support `claim`: at most two adjacent ones. */
export function supportingSpan(passage: Passage, claim: string): Span {
  const sentences = passageSentences(passage);
  const wanted = contentStems(claim);
  const scores = sentences.map((s) => coverage(wanted, contentStems(passage.text.slice(s.start, s.end))));
  let best = 0;
  scores.forEach((score, i) => {
    if (score > (scores[best] ?? 0)) best = i;
  });
  const bestScore = scores[best] ?? 0;
  const chosen = sentences[best] as Span;
  const next = sentences[best + 1];
  // A claim often spans two sentences of the source ("… said. She added …").
  if (next && bestScore > 0 && (scores[best + 1] ?? 0) >= bestScore * 0.75 && next.end - chosen.start < 600) {
    return { start: chosen.start, end: next.end };
  }
  return chosen;
}

/** Grows a quote's span to the whole sentence(s) holding it, so the excerpt reads as a sentence. */
function sentenceAround(passage: Passage, span: Span): Span {
  const sentences = passageSentences(passage);
  const first = sentences.find((s) => s.end > span.start) ?? { start: span.start, end: span.end };
  const last = [...sentences].reverse().find((s) => s.start < span.end) ?? first;
  return { start: Math.min(first.start, span.start), end: Math.max(last.end, span.end) };
}

/**
 * Checks a model's reply against the passages it was given. Markers pointing nowhere are
 * dropped; a sentence quoting words found in no passage is dropped; a citation of a passage that
 * does not support its sentence (figures missing, too few key terms: support.ts) is dropped, and
 * a sentence left without a citation is left out; every citation gets an excerpt that is an
 * exact span of the stored article, located by offsets.
 */
export function verifyCitations(reply: string, passages: readonly Passage[], options: VerifyOptions): VerifiedText {
  const notices = { droppedMarkers: 0, fabricatedQuotes: 0, unsupportedCitations: 0, uncitedSentences: 0, truncated: false };
  let rawUnits = splitUnits(reply);
  if (options.truncated && rawUnits.length > 0) {
    const last = rawUnits.at(-1) as { text: string };
    if (!TERMINAL.test(last.text.replace(MARKER_GROUP, '').trim())) {
      rawUnits = rawUnits.slice(0, -1);
      notices.truncated = true;
    }
  }

  const units: Unit[] = [];
  for (const raw of rawUnits) {
    const cited: number[] = [];
    for (const group of raw.text.match(MARKER_GROUP) ?? []) {
      for (const n of markerNumbers(group)) {
        if (n >= 1 && n <= passages.length) {
          if (!cited.includes(n - 1)) cited.push(n - 1);
        } else {
          notices.droppedMarkers++;
        }
      }
    }
    const text = raw.text.replace(MARKER_GROUP, '').replace(/\s+([.,;:!?…])/g, '$1').trim();
    if (!/[\p{L}\p{N}]/u.test(text)) continue;
    const quotes: Unit['quotes'] = [];
    let fabricated = false;
    for (const q of text.matchAll(QUOTE)) {
      const quote = q[1] ?? '';
      if (quote.trim().split(/\s+/).length < 2) continue; // a single quoted word is emphasis, not a quote
      const found = locateQuote(quote, passages, cited);
      if (!found) fabricated = true;
      else quotes.push(found);
    }
    if (fabricated) {
      notices.fabricatedQuotes++;
      continue;
    }
    const support = checkSupport(text, passages, cited, quotes.map((q) => q.passage));
    notices.unsupportedCitations += support.dropped.length;
    units.push({ text, bullet: raw.bullet, paragraph: raw.paragraph, cited: support.kept, quotes });
  }

  const citedUnits = units.filter((u) => u.cited.length > 0);
  if (citedUnits.length === 0) {
    return { text: joinUnits(units.map((u) => ({ ...u, markers: '' }))), citations: [], sourced: false, notices };
  }
  notices.uncitedSentences = units.length - citedUnits.length;

  const citations: Citation[] = [];
  const numberOf = new Map<string, number>();
  const rendered = citedUnits.map((unit) => {
    const numbers: number[] = [];
    for (const index of unit.cited) {
      const passage = passages[index] as Passage;
      const quote = unit.quotes.find((q) => q.passage === index);
      const span = quote ? sentenceAround(passage, quote.span) : supportingSpan(passage, unit.text);
      const citation = toCitation(passage, span, options.bodyOf(passage));
      if (!citation) continue;
      const key = `${citation.collection}\u0000${citation.articleId}\u0000${citation.start}\u0000${citation.end}`;
      let number = numberOf.get(key);
      if (number === undefined) {
        number = citations.length + 1;
        numberOf.set(key, number);
        citations.push({ ...citation, number });
      }
      if (!numbers.includes(number)) numbers.push(number);
    }
    return { ...unit, markers: numbers.map((n) => `[${n}]`).join('') };
  });
  const withSources = rendered.filter((u) => u.markers !== '');
  notices.uncitedSentences += rendered.length - withSources.length;
  return { text: joinUnits(withSources), citations, sourced: withSources.length > 0, notices };
}

/** An excerpt located by offsets in the stored body; null if the stored text does not match. */
function toCitation(passage: Passage, span: Span, body: string | undefined): Omit<Citation, 'number'> | null {
  const start = passage.start + span.start;
  const end = passage.start + span.end;
  const excerpt = passage.text.slice(span.start, span.end);
  if (body === undefined || body.slice(start, end) !== excerpt) return null;
  return {
    articleId: passage.articleId,
    collection: passage.collection,
    title: passage.title,
    url: passage.url,
    published: passage.published,
    updated: passage.updated,
    byline: passage.byline,
    chunkId: passage.chunkId,
    excerpt,
    start,
    end,
  };
}

function withMarkers(text: string, markers: string): string {
  if (!markers) return text;
  const end = text.match(/[.!?…]["'”’)]*$/);
  return end ? `${text.slice(0, end.index)} ${markers}${end[0]}` : `${text} ${markers}`;
}

function joinUnits(units: { text: string; bullet: boolean; paragraph: number; markers: string }[]): string {
  const paragraphs: string[] = [];
  let current: string[] = [];
  let currentParagraph = -1;
  let bullets = false;
  const flush = () => {
    if (current.length > 0) paragraphs.push(current.join(bullets ? '\n' : ' '));
    current = [];
  };
  for (const u of units) {
    if (u.paragraph !== currentParagraph) {
      flush();
      currentParagraph = u.paragraph;
      bullets = u.bullet;
    }
    const line = withMarkers(u.text, u.markers);
    current.push(u.bullet ? `- ${line}` : line);
  }
  flush();
  return paragraphs.join('\n\n');
}
