import { MARKER_GROUP_SOURCE, MARKER_SOURCE } from '../text/markers.ts';
import { splitSentences } from '../text/sentences.ts';

/*
 * A model's reply taken apart into units (sentences, or bullets) with the citation markers each one
 * carries, and put back together once its markers are renumbered.
 */

const MARKER_GROUP = new RegExp(MARKER_GROUP_SOURCE, 'g');
const ONE_MARKER = new RegExp(MARKER_SOURCE, 'g');
const TRAILING_MARKERS = new RegExp(`([.!?…]["'”’)]*)(${MARKER_GROUP_SOURCE})`, 'g');
const BULLET = /^\s*(?:[-*•]|\d+[.)])\s+/;
const TERMINAL = /[.!?…]["'”’)]*$/;

/** One sentence (or bullet) of the reply as written, markers included. */
export interface ReplyUnit {
  text: string;
  bullet: boolean;
  /** Which paragraph of the reply it belongs to, from 0. */
  paragraph: number;
}

/** A unit ready to show: its text without markers, and the markers to write at its end ("[1][3]"). */
export interface RenderedUnit extends ReplyUnit {
  markers: string;
}

/** Moves markers written after a sentence's full stop ("closed. [1]") in front of it ("closed [1]."). */
function attachTrailingMarkers(text: string): string {
  return text.replace(TRAILING_MARKERS, '$2$1');
}

/** The reply's sentences, or its bullets where a paragraph is a list, in order. */
export function splitUnits(reply: string): ReplyUnit[] {
  const units: ReplyUnit[] = [];
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

/** Whether the unit ends as a sentence does (markers aside): a reply cut off at the token limit may not. */
export function isFinished(unit: ReplyUnit): boolean {
  return TERMINAL.test(unit.text.replace(MARKER_GROUP, '').trim());
}

/** The numbers a unit's markers name: "[1]", "[1, 3]", "[2-4]" give 1; 1, 3; 2, 3, 4. */
export function markedNumbers(text: string): number[] {
  const numbers: number[] = [];
  for (const group of text.match(MARKER_GROUP) ?? []) {
    for (const m of group.matchAll(ONE_MARKER)) {
      for (const part of m[0]
        .slice(1, -1)
        .trim()
        .split(/\s*[,;]\s*/)) {
        const range = part.split(/\s*[–-]\s*/).map(Number);
        const [from, to] = [range[0] ?? NaN, range[1] ?? range[0] ?? NaN];
        if (Number.isInteger(from) && Number.isInteger(to) && to >= from && to - from < 20) {
          for (let n = from; n <= to; n++) numbers.push(n);
        }
      }
    }
  }
  return numbers;
}

/** The unit's text without its markers, and without the space they leave before punctuation. */
export function withoutMarkers(text: string): string {
  return text
    .replace(MARKER_GROUP, '')
    .replace(/\s+([.,;:!?…])/g, '$1')
    .trim();
}

function withMarkers(text: string, markers: string): string {
  if (!markers) return text;
  const end = text.match(TERMINAL);
  return end ? `${text.slice(0, end.index)} ${markers}${end[0]}` : `${text} ${markers}`;
}

/** The units as text again: a paragraph's sentences joined by spaces, its bullets one per line. */
export function joinUnits(units: readonly RenderedUnit[]): string {
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
