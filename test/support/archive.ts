import fs from 'node:fs';

/**
 * A generated news archive for import tests and bench:archive: real-length stories (about 600
 * words in 8 paragraphs, like a newspaper's), dated across years, each with a code word no other
 * story holds. Sentences are drawn from word lists by a seeded generator, so every story differs
 * from every other in most of its word 5-grams (none is taken for a duplicate). Written for this project.
 */

const PLACES = [
  'Alder Harbour',
  'Eastmoor',
  'Northgate',
  'Millrace',
  'Wexcombe',
  'Fenwick',
  'Carrow',
  'Saltcombe',
  'the Quay',
  'Marsh End',
  'Hollin Bridge',
  'Upper Strand',
];
const SUBJECTS = [
  'The council',
  'A local charity',
  'The harbour authority',
  'The school board',
  'Residents',
  'The fire service',
  'A shipping firm',
  'The hospital trust',
  'Shop owners',
  'The rail operator',
  'Fishermen',
  'The museum',
];
const VERBS = [
  'approved',
  'questioned',
  'delayed',
  'announced',
  'rejected',
  'welcomed',
  'funded',
  'reviewed',
  'opposed',
  'completed',
  'postponed',
  'expanded',
];
const OBJECTS = [
  'a plan for the sea wall',
  'the new bus timetable',
  'repairs to the old bridge',
  'a budget for street lighting',
  'the ferry contract',
  'plans for a skate park',
  'a study of flood risk',
  'the winter shelter',
  'a tender for school meals',
  'changes to parking rules',
  'the library extension',
  'a grant for the lifeboat station',
];
const WHEN = [
  'on Monday',
  'on Tuesday evening',
  'late on Wednesday',
  'on Thursday',
  'after a long meeting on Friday',
  'over the weekend',
  'earlier this month',
  'last week',
];
const QUOTES = [
  '"We have waited long enough," one resident said.',
  '"The figures simply do not add up," a councillor told the meeting.',
  '"This is good news for the whole town," the chair said.',
  '"We will keep listening to people," a spokesperson said.',
  '"Nobody wanted it to come to this," a trader said.',
  '"The work starts as soon as the weather allows," the engineer said.',
];
const DETAILS = [
  'The cost was put at',
  'Officials estimated a bill of',
  'The grant is worth',
  'Spending will reach',
  'The shortfall stands at',
  'Insurers expect claims of',
];
const SYLLABLES = ['ka', 'lo', 'mir', 'tes', 'van', 'dor', 'ul', 'pen', 'rix', 'sa', 'bel', 'tor', 'quin', 'ex', 'zo', 'ha'];

export interface ArchiveRecord {
  id: string;
  title: string;
  published: string;
  byline: string;
  body: string;
  /** A word only this story holds. */
  code: string;
}

/** Seeded generator (mulberry32): the same index always gives the same story. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(next: () => number, list: readonly T[]): T {
  return list[Math.floor(next() * list.length)] as T;
}

function codeWord(i: number): string {
  let word = '';
  let n = i + 1;
  while (n > 0) {
    word += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  }
  return `${word}q`;
}

function sentence(next: () => number): string {
  const amount = `${(1 + next() * 40).toFixed(1)} million dollars`;
  switch (Math.floor(next() * 4)) {
    case 0:
      return `${pick(next, SUBJECTS)} in ${pick(next, PLACES)} ${pick(next, VERBS)} ${pick(next, OBJECTS)} ${pick(next, WHEN)}.`;
    case 1:
      return `${pick(next, DETAILS)} ${amount}, according to papers seen by the ${pick(next, PLACES)} desk.`;
    case 2:
      return pick(next, QUOTES);
    default:
      return `${pick(next, SUBJECTS)} said ${Math.floor(next() * 900 + 20)} people in ${pick(next, PLACES)} would be affected by ${pick(next, OBJECTS)}.`;
  }
}

/** Story `i` of an archive of `total`, published between 2014 and 2026, the highest index newest. */
export function archiveRecord(i: number, total: number): ArchiveRecord {
  const next = random(i * 7919 + 17);
  const code = codeWord(i);
  const span = Date.UTC(2026, 0, 1) - Date.UTC(2014, 0, 1);
  const published = new Date(Date.UTC(2014, 0, 1) + Math.floor((span * (i + 0.5)) / total)).toISOString();
  const paragraphs: string[] = [];
  for (let p = 0; p < 8; p++) {
    const sentences = Array.from({ length: 4 + Math.floor(next() * 3) }, () => sentence(next));
    paragraphs.push(sentences.join(' '));
  }
  paragraphs[1] = `${paragraphs[1]} The reference for this matter is ${code}.`;
  const title = `${pick(next, SUBJECTS)} ${pick(next, VERBS)} ${pick(next, OBJECTS)} in ${pick(next, PLACES)} (${code})`;
  return { id: `story-${i}`, title, published, byline: 'Archive Desk', body: paragraphs.join('\n\n'), code };
}

/** Writes an archive of `count` stories as one JSON Lines file (a CMS export), a line at a time; returns its size in bytes. */
export function writeArchiveJsonl(file: string, count: number): number {
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  try {
    for (let i = 0; i < count; i++) {
      const { code: _code, ...record } = archiveRecord(i, count);
      bytes += fs.writeSync(fd, `${JSON.stringify(record)}\n`);
    }
  } finally {
    fs.closeSync(fd);
  }
  return bytes;
}
