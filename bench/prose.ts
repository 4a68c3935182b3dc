import { seededRandom } from './vectors.ts';

/**
 * Made-up local news articles for the end-to-end ingest benchmark: sentences assembled from
 * templates written for this project, seeded so every run ingests the same text.
 */

const PLACES = [
  'Alder Harbour',
  'Eastmoor',
  'the Wexcombe ward',
  'Millrace Park',
  'the old tannery district',
  'Northgate',
  'Fenwick Road',
  'the riverfront',
];
const PEOPLE = [
  'Councillor Dana Ferreira',
  'Mayor Tomasz Brekke',
  'fire chief Lena Ogunbiyi',
  'planner Ravi Castellano',
  'trustee Morag Keddie',
  'Inspector Yusuf Halloran',
  'shop owner Clio Vantongeren',
  'resident Abel Nyqvist',
];
const BODIES = [
  'city council',
  'school board',
  'transit authority',
  'harbour commission',
  'health district',
  'parks department',
  'water utility',
  'library board',
];
const THINGS = [
  'a new bus depot',
  'the flood barrier',
  'a community pool',
  'the ferry schedule',
  'a housing co-operative',
  'road resurfacing',
  'the composting program',
  'a night market',
];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const TEMPLATES: ((pick: <T>(items: readonly T[]) => T, n: () => number) => string)[] = [
  (p, n) => `The ${p(BODIES)} voted ${n() % 9}–${n() % 5} on ${p(MONTHS)} ${1 + (n() % 28)} to approve ${p(THINGS)} in ${p(PLACES)}.`,
  (p, n) => `${p(PEOPLE)} said the cost had risen to $${(n() % 40) + 2}.${n() % 10} million since the first estimate.`,
  (p) => `“We heard from hundreds of people in ${p(PLACES)}, and most of them asked for the same thing,” ${p(PEOPLE)} said.`,
  (p, n) => `Work on ${p(THINGS)} is expected to begin in ${p(MONTHS)} and take about ${(n() % 18) + 3} months.`,
  (p) => `Critics argued that ${p(THINGS)} would do little for ${p(PLACES)} while raising costs elsewhere.`,
  (p, n) => `A staff report found that ${(n() % 70) + 10} per cent of households in ${p(PLACES)} would be affected.`,
  (p) => `The ${p(BODIES)} will hold a public meeting before any final decision, according to ${p(PEOPLE)}.`,
  (p, n) => `Last year, ${(n() % 900) + 100} complaints about ${p(THINGS)} reached the ${p(BODIES)}.`,
  (p) => `${p(PEOPLE)} declined to say whether the ${p(BODIES)} had considered other sites near ${p(PLACES)}.`,
  (p, n) => `Funding comes from a provincial grant of $${(n() % 12) + 1} million and a levy on property owners.`,
  (p) => `Residents of ${p(PLACES)} can comment online or in person at the ${p(BODIES)} offices until the end of ${p(MONTHS)}.`,
  (p) => `The decision follows a long dispute between the ${p(BODIES)} and the ${p(BODIES)} over who should pay for ${p(THINGS)}.`,
];

export interface ProseArticle {
  id: string;
  title: string;
  published: string;
  body: string;
}

export function proseArticle(i: number): ProseArticle {
  const random = seededRandom(0x51ed27 + i * 7919);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const n = () => Math.floor(random() * 1_000_000);
  const paragraphs: string[] = [];
  const paragraphCount = 8 + (n() % 10);
  for (let k = 0; k < paragraphCount; k++) {
    const sentences = Array.from({ length: 2 + (n() % 4) }, () => pick(TEMPLATES)(pick, n));
    paragraphs.push(sentences.join(' '));
  }
  const month = String(1 + (n() % 12)).padStart(2, '0');
  const day = String(1 + (n() % 28)).padStart(2, '0');
  return {
    id: `bench-story-${String(i).padStart(4, '0')}`,
    title: `${pick(BODIES).replace(/^./, (c) => c.toUpperCase())} weighs ${pick(THINGS)} for ${pick(PLACES)}`,
    published: `2025-${month}-${day}`,
    body: paragraphs.join('\n\n'),
  };
}

/** The article as a Markdown file with front matter, the way a newsroom would store it. */
export function proseMarkdown(article: ProseArticle): string {
  return `---\nid: ${article.id}\ntitle: "${article.title}"\npublished: ${article.published}\n---\n\n${article.body}\n`;
}
