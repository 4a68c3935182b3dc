import { createHash } from 'node:crypto';
import type { Article } from '../src/articles/article.ts';
import { seededRandom } from './vectors.ts';

/**
 * A large made-up news archive for `bench:news-scale`: articles of real length (350–1,100 words),
 * dated across eight years, that read like scraped pages of several outlets (bylines, "CITY (Outlet) —"
 * and "Outlet —" datelines, photo captions, ad and newsletter leftovers). Their names and words are
 * drawn from the evaluation set's own articles, so they compete with the right story on the question's
 * words the way a real archive's other coverage does; sentence templates are written for this project.
 * Seeded: every run generates the same archive.
 */

const OUTLETS = ['CNN', 'Reuters', 'The Harbour Post', 'AP', 'Daily Ledger', 'Metro Times'];
const CAPTION_CREDITS = ['Getty Images', 'AFP via Getty Images', 'Reuters', 'AP Photo', 'File photo'];
const LEFTOVERS = [
  'Advertisement',
  'Story continues below advertisement',
  'Sign up for our morning newsletter',
  'Read more:',
  'Related: Latest coverage',
  'Share this article',
  '© 2026 All rights reserved',
];
const CITIES = ['LONDON', 'NAIROBI', 'SYDNEY', 'TORONTO', 'MANILA', 'LIMA', 'OSLO', 'CAIRO', 'DENVER', 'LISBON'];

const SENTENCES: ((w: Words) => string)[] = [
  (w) => `${w.name()} said on ${w.weekday()} that the ${w.word()} would ${w.verb()} the ${w.word()} before the end of ${w.month()}.`,
  (w) =>
    `Officials in ${w.name()} estimated the cost at ${w.number(900)} million dollars, up from an earlier ${w.word()} of ${w.number(400)} million.`,
  (w) => `“We have to ${w.verb()} the ${w.word()} and the ${w.word()} at the same time,” ${w.name()} told reporters.`,
  (w) =>
    `The ${w.word()} follows months of ${w.word()} over the ${w.word()} in ${w.name()}, where ${w.number(5000)} people ${w.verb()}ed last year.`,
  (w) => `Critics said the ${w.word()} would do little to ${w.verb()} the ${w.word()}, and called for a ${w.word()} instead.`,
  (w) => `A report by ${w.name()} found that ${w.number(90)} per cent of ${w.word()}s had been ${w.verb()}ed since ${w.year()}.`,
  (w) => `${w.name()} and ${w.name()} are expected to meet again in ${w.month()} to discuss the ${w.word()}.`,
  (w) => `The ${w.word()} was first proposed in ${w.year()} but stalled after a dispute with ${w.name()}.`,
];

/**
 * Names and words of the evaluation set (capitalised names, longer lower-case words), and a seeded way
 * to pick them. As in real coverage, an article keeps to its own few names (its cast) and mentions
 * others now and then, and names and words are picked with a skew (a few common, most rare), so a
 * name is not spread evenly over the whole archive.
 */
export class Words {
  private readonly random: () => number;
  private readonly names: readonly string[];
  private readonly words: readonly string[];
  private cast: string[] = [];
  constructor(names: readonly string[], words: readonly string[], seed: number) {
    this.names = names;
    this.words = words;
    this.random = seededRandom(seed);
  }

  static from(texts: readonly string[], seed: number): Words {
    const names = new Set<string>();
    const words = new Set<string>();
    for (const text of texts) {
      for (const [m] of text.matchAll(/\b\p{Lu}\p{Ll}{3,}(?: \p{Lu}\p{Ll}{2,})?\b/gu)) names.add(m);
      for (const [m] of text.matchAll(/\b\p{Ll}{5,}\b/gu)) words.add(m);
    }
    return new Words([...names].sort(), [...words].sort(), seed);
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }
  number(max: number): number {
    return 1 + Math.floor(this.random() * max);
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  /** An item with a skew towards the start of the list (Zipf-like; the lists are in no meaningful order). */
  private skewed<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() ** 3 * items.length)] as T;
  }
  /** Starts a new article: picks the few names it is about. */
  newCast(size: number): void {
    this.cast = Array.from({ length: size }, () => this.skewed(this.names));
  }
  name(): string {
    return this.cast.length > 0 && this.chance(0.85) ? this.pick(this.cast) : this.skewed(this.names);
  }
  word(): string {
    return this.skewed(this.words);
  }
  verb(): string {
    return this.pick(['review', 'extend', 'block', 'fund', 'delay', 'approve', 'expand', 'investigate', 'restrict', 'rebuild']);
  }
  weekday(): string {
    return this.pick(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']);
  }
  month(): string {
    return this.pick(['January', 'March', 'May', 'June', 'September', 'November']);
  }
  year(): number {
    return 2010 + this.number(15);
  }
}

/** A day between 2019-01-01 and 2026-12-31, from a 0–1 position. */
export function dayAt(position: number): string {
  const start = Date.UTC(2019, 0, 1);
  const end = Date.UTC(2026, 11, 31);
  return new Date(start + Math.floor(position * (end - start))).toISOString().slice(0, 10);
}

/** A paragraph of 2–4 sentences, mentioning the subject now and then. */
function paragraph(w: Words, subject: string): string {
  const sentences = Array.from({ length: 2 + w.number(3) - 1 }, () => w.pick(SENTENCES)(w));
  if (w.chance(0.35)) sentences.push(`The ${subject} remains under discussion, ${w.name()} said.`);
  return sentences.join(' ');
}

/** The body as a scraped page gives it: byline, dateline, captions and leftovers among the paragraphs. */
function scrapedBody(w: Words, outlet: string, subject: string, lede: string): string {
  const dateline = w.chance(0.5) ? `${w.pick(CITIES)} (${outlet}) —` : `${outlet} —`;
  const parts = [`By ${w.name()}, ${outlet}`, `${dateline} ${lede}`];
  const length = 8 + w.number(16);
  for (let i = 0; i < length; i++) {
    if (w.chance(0.12)) parts.push(`Photo: ${w.name()} near the ${w.word()} on ${w.weekday()}. (${w.pick(CAPTION_CREDITS)})`);
    if (w.chance(0.1)) parts.push(w.pick(LEFTOVERS));
    parts.push(paragraph(w, subject));
  }
  return parts.join('\n\n');
}

/** Generated article number `i` of the archive (its day spread evenly across the years, jittered). */
export function archiveArticle(w: Words, i: number, count: number): Article {
  w.newCast(2 + w.number(4));
  const outlet = w.pick(OUTLETS);
  const subject = `${w.name()} ${w.word()}`;
  const title = `${w.name()} ${w.verb()}s ${w.word()} over ${subject}`;
  const lede = `${w.name()} moved to ${w.verb()} the ${subject} on ${w.weekday()}, a step ${w.name()} said would ${w.verb()} the ${w.word()}.`;
  return storyArticle(`gen-${i}`, title, scrapedBody(w, outlet, subject, lede), dayAt((i + w.number(1000) / 1000) / count));
}

/** Story `n` of a series on one subject, for the "latest on …" check. */
export function seriesArticle(w: Words, subject: string, series: number, n: number, published: string): Article {
  w.newCast(2 + w.number(4));
  const outlet = w.pick(OUTLETS);
  const title = `${subject}: ${w.name()} ${w.verb()}s ${w.word()} (update ${n + 1})`;
  const lede = `The ${subject} took another turn on ${w.weekday()} as ${w.name()} moved to ${w.verb()} the ${w.word()}.`;
  return storyArticle(`series-${series}-${n}`, title, scrapedBody(w, outlet, subject, lede), published);
}

function storyArticle(id: string, title: string, body: string, published: string): Article {
  return {
    id,
    title,
    body,
    published,
    tags: [],
    source: `/generated/${id}.txt`,
    contentHash: createHash('sha256')
      .update(title + body)
      .digest('hex'),
  };
}
