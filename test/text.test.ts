import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';
import type { Chunk } from '../src/text/chunk.ts';
import { chunkText } from '../src/text/chunker.ts';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { countLlmTokens, truncateToLlmTokens } from '../src/text/llm-tokens.ts';
import { defuseMarkers, stripMarkers } from '../src/text/markers.ts';
import { findNormalized, normalizeForMatch } from '../src/text/normalize.ts';
import { splitParagraphs, splitSentences } from '../src/text/sentences.ts';
import { nodeArgs } from './support/built.ts';

const countWords = (s: string): number => s.split(/\s+/u).filter(Boolean).length;
const countCodePoints = (s: string): number => [...s].length;

function sentencesOf(text: string, locale?: string): string[] {
  return splitSentences(text, locale).map((s) => text.slice(s.start, s.end));
}

/** Seeded generator so the long bodies are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const WORDS = [
  'council',
  'budget',
  'harbour',
  'ferry',
  'school',
  'board',
  'voted',
  'residents',
  'night',
  'market',
  'bridge',
  'repairs',
  'library',
  'hours',
  'water',
  'rates',
  'mayor',
  'clinic',
  'volunteers',
  'storm',
  'drain',
  'parking',
  'permit',
  'festival',
  'league',
  'coach',
  'weekend',
  'bakery',
  'shelter',
  'route',
];

/** A generated article with paragraphs, quotes, abbreviations, initials, line breaks and run-on sentences. */
function generateArticle(seed: number, sentenceCount: number): string {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const words = (n: number): string => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const openers = [
    'Mr. Okafor said the',
    'Dr. Lindqvist noted the',
    'Gov. Reyes called the',
    'The U.S. office said the',
    'At 9 a.m. the',
    'J. Moreau wrote that the',
    'Sen. Tanaka asked whether the',
    'On Sept. 3 the',
  ];
  const paragraphs: string[] = [];
  let sentences: string[] = [];
  for (let i = 0; i < sentenceCount; i++) {
    const roll = random();
    let sentence: string;
    if (roll < 0.03) sentence = `The ${words(150 + Math.floor(random() * 150))}.`;
    else if (roll < 0.2) sentence = `“${capitalize(words(4 + Math.floor(random() * 8)))},” said a ${pick(WORDS)} spokesperson.`;
    else if (roll < 0.35) sentence = `${pick(openers)} ${words(3 + Math.floor(random() * 12))}.`;
    else if (roll < 0.4) sentence = `She asked: “${capitalize(words(5))}?”`;
    else sentence = `${capitalize(words(5 + Math.floor(random() * 20)))}.`;
    sentences.push(sentence);
    if (random() < 0.25) {
      paragraphs.push(sentences.join(random() < 0.1 ? '\n' : ' '));
      sentences = [];
    }
  }
  if (sentences.length > 0) paragraphs.push(sentences.join(' '));
  return paragraphs.join(random() < 0.5 ? '\n\n' : '\n \n');
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The guarantees every caller relies on: exact spans, order, progress, full coverage. */
function assertChunkInvariants(body: string, chunks: Chunk[]): void {
  chunks.forEach((chunk, i) => {
    assert.equal(chunk.index, i);
    assert.equal(body.slice(chunk.start, chunk.end), chunk.text, `chunk ${i} is not an exact span`);
    assert.ok(chunk.end > chunk.start, `chunk ${i} is empty`);
    assert.equal(chunk.text, chunk.text.trim(), `chunk ${i} has surrounding whitespace`);
    const previous = chunks[i - 1];
    if (previous) {
      assert.ok(chunk.start > previous.start, `chunk ${i} does not start after chunk ${i - 1}`);
      assert.ok(chunk.end > previous.end, `chunk ${i} does not progress past chunk ${i - 1}`);
    }
  });
  assertEverythingCovered(body, chunks);
}

/** Every sentence is in some chunk: only whitespace may lie outside all chunks. */
function assertEverythingCovered(body: string, chunks: Chunk[]): void {
  let reached = 0;
  for (const chunk of chunks) {
    if (chunk.start > reached) {
      assert.match(body.slice(reached, chunk.start), /^\s*$/u, `text before chunk ${chunk.index} is in no chunk`);
    }
    reached = Math.max(reached, chunk.end);
  }
  assert.match(body.slice(reached), /^\s*$/u, 'text after the last chunk is in no chunk');
}

test('sentences are trimmed spans that keep news abbreviations and initials together', () => {
  const text =
    '  Mr. Okafor met Dr. Lindqvist and Sen. Tanaka at 3 p.m. Tuesday on Main St. in the U.S. capital.  ' +
    'J. Moreau, Jr. took notes. It ended at 5 p.m. The council left.';
  assert.deepEqual(sentencesOf(text), [
    'Mr. Okafor met Dr. Lindqvist and Sen. Tanaka at 3 p.m. Tuesday on Main St. in the U.S. capital.',
    'J. Moreau, Jr. took notes.',
    'It ended at 5 p.m.',
    'The council left.',
  ]);
  for (const span of splitSentences(text)) {
    const sentence = text.slice(span.start, span.end);
    assert.equal(sentence, sentence.trim());
  }
});

test('a sentence ending inside curly quotes keeps its closing quote', () => {
  assert.deepEqual(sentencesOf('The clerk said, “The vote is final.” Nobody objected.'), [
    'The clerk said, “The vote is final.”',
    'Nobody objected.',
  ]);
  assert.deepEqual(sentencesOf('“Will the ferry run?” she asked. “Yes!” It did.'), [
    '“Will the ferry run?” she asked.',
    '“Yes!”',
    'It did.',
  ]);
});

test('sentences never cross a blank line, but follow a hard-wrapped line', () => {
  const text =
    'Storm drains overflowed\n\nCrews worked through the night to clear\nthe harbour road. It reopened.\n \nMr.\n\nOkafor thanked them.';
  assert.deepEqual(sentencesOf(text), [
    'Storm drains overflowed',
    'Crews worked through the night to clear\nthe harbour road.',
    'It reopened.',
    'Mr.',
    'Okafor thanked them.',
  ]);
});

test('a very long paragraph splits the same as a short one', () => {
  const pair = ['Mr. Okafor met Dr. Lindqvist at 9 a.m. Tuesday near the U.S. border.', '“The ferry runs,” J. Moreau said.'];
  const text = Array.from({ length: 600 }, () => pair.join(' ')).join(' ');
  const sentences = sentencesOf(text);
  assert.equal(sentences.length, 1200);
  sentences.forEach((sentence, i) => assert.equal(sentence, pair[i % 2]));
});

test('paragraphs are split at blank lines and trimmed', () => {
  const text = '  First line\nsecond line\n\n\nNext paragraph \r\n \r\nThird\u2029Fourth\n';
  const paragraphs = splitParagraphs(text).map((p) => text.slice(p.start, p.end));
  assert.deepEqual(paragraphs, ['First line\nsecond line', 'Next paragraph', 'Third', 'Fourth']);
  assert.deepEqual(splitParagraphs('a\r\nb'), [{ start: 0, end: 4 }]);
});

test('sentences in Japanese, Chinese, Arabic and Hindi', () => {
  assert.deepEqual(sentencesOf('港の工事が始まった。「安全第一です。」と市長は述べた。', 'ja'), [
    '港の工事が始まった。',
    '「安全第一です。」と市長は述べた。',
  ]);
  assert.deepEqual(sentencesOf('图书馆延长了开放时间。居民表示欢迎！', 'zh'), ['图书馆延长了开放时间。', '居民表示欢迎！']);
  assert.deepEqual(sentencesOf('افتتحت المكتبة أمس. هل ستفتح غدا؟ نعم.', 'ar'), ['افتتحت المكتبة أمس.', 'هل ستفتح غدا؟', 'نعم.']);
  assert.deepEqual(sentencesOf('पुस्तकालय खुल गया। लोग खुश हैं।', 'hi'), ['पुस्तकालय खुल गया।', 'लोग खुश हैं।']);
});

test('empty and whitespace-only text has no sentences and no chunks', () => {
  const opts = { targetTokens: 10, overlapTokens: 2, countTokens: countWords };
  assert.deepEqual(splitSentences(''), []);
  assert.deepEqual(splitParagraphs(' \n\n\t '), []);
  assert.deepEqual(chunkText('', opts), []);
  assert.deepEqual(chunkText('  \n\n \u00a0\t\n', opts), []);
});

test('chunks are exact spans of long generated articles under several settings', () => {
  const settings = [
    { targetTokens: 40, overlapTokens: 10 },
    { targetTokens: 64, overlapTokens: 0 },
    { targetTokens: 12, overlapTokens: 11 },
    { targetTokens: 200, overlapTokens: 50 },
  ];
  for (const seed of [1, 2, 3]) {
    const body = generateArticle(seed, 400);
    for (const setting of settings) {
      const chunks = chunkText(body, { ...setting, countTokens: countWords });
      assert.ok(chunks.length > 1);
      assertChunkInvariants(body, chunks);
      for (const chunk of chunks) {
        assert.ok(countWords(chunk.text) <= setting.targetTokens, `chunk ${chunk.index} is over the target`);
      }
    }
  }
});

test('a 50,000-word article is chunked with the LLM token counter', () => {
  let body = generateArticle(7, 100);
  for (let seed = 8; countWords(body) < 50_000; seed++) body += `\n\n${generateArticle(seed, 100)}`;
  const chunks = chunkText(body, { targetTokens: 256, overlapTokens: 32, countTokens: countLlmTokens });
  assert.ok(chunks.length > 100);
  assertChunkInvariants(body, chunks);
});

test('the next chunk starts with trailing sentences of the previous one, within the overlap budget', () => {
  const body = 'One two three. Four five six. Seven eight nine. Ten eleven twelve. Thirteen fourteen fifteen.';
  const chunks = chunkText(body, { targetTokens: 9, overlapTokens: 3, countTokens: countWords });
  assert.deepEqual(
    chunks.map((c) => c.text),
    ['One two three. Four five six. Seven eight nine.', 'Seven eight nine. Ten eleven twelve. Thirteen fourteen fifteen.'],
  );
  const wider = chunkText(body, { targetTokens: 9, overlapTokens: 6, countTokens: countWords });
  assert.equal(wider[1]?.text, 'Four five six. Seven eight nine. Ten eleven twelve.');
  assertChunkInvariants(body, wider);
});

test('with no overlap, chunks do not share text', () => {
  const body = generateArticle(11, 120);
  const chunks = chunkText(body, { targetTokens: 30, overlapTokens: 0, countTokens: countWords });
  assertChunkInvariants(body, chunks);
  for (let i = 1; i < chunks.length; i++) {
    assert.ok((chunks[i]?.start ?? 0) >= (chunks[i - 1]?.end ?? 0));
  }
});

test('a chunk that is already fairly full ends at the paragraph end', () => {
  const body = 'Alpha beta gamma delta. Epsilon zeta eta.\n\nTheta iota. Kappa lambda mu nu xi.';
  const full = chunkText(body, { targetTokens: 10, overlapTokens: 0, countTokens: countWords });
  assert.deepEqual(
    full.map((c) => c.text),
    ['Alpha beta gamma delta. Epsilon zeta eta.', 'Theta iota. Kappa lambda mu nu xi.'],
  );
  // Seven of twelve tokens is under the 60% mark, so the next paragraph's first sentence comes along.
  const roomy = chunkText(body, { targetTokens: 12, overlapTokens: 0, countTokens: countWords });
  assert.deepEqual(
    roomy.map((c) => c.text),
    ['Alpha beta gamma delta. Epsilon zeta eta.\n\nTheta iota.', 'Kappa lambda mu nu xi.'],
  );
});

test('a sentence longer than the target is split between words', () => {
  const long = Array.from({ length: 95 }, (_, i) => `word${i}`).join(' ');
  const body = `Short opener here. Then ${long}. Short closer here.`;
  const chunks = chunkText(body, { targetTokens: 10, overlapTokens: 0, countTokens: countWords });
  assertChunkInvariants(body, chunks);
  for (const chunk of chunks) {
    assert.ok(countWords(chunk.text) <= 10);
    assert.match(body.charAt(chunk.start - 1) || ' ', /\s/u, 'a piece starts mid-word');
    assert.match(body.charAt(chunk.end) || ' ', /[\s.]/u, 'a piece ends mid-word');
  }
  assert.ok(chunks.length >= 10);
  assert.deepEqual(
    chunks
      .map((c) => c.text)
      .join(' ')
      .split(' '),
    body.split(' '),
    'pieces hold whole words in order',
  );
});

test('a word longer than the target is split between characters, never inside a surrogate pair', () => {
  const body = `Tags: ${'🌊ab'.repeat(40)} end.`;
  const chunks = chunkText(body, { targetTokens: 7, overlapTokens: 2, countTokens: countCodePoints });
  assertChunkInvariants(body, chunks);
  for (const chunk of chunks) {
    assert.ok(countCodePoints(chunk.text) <= 7);
    assert.ok(!/^[\udc00-\udfff]|[\ud800-\udbff]$/u.test(chunk.text), 'a chunk cuts a surrogate pair');
    assert.doesNotMatch(chunk.text, /\uFFFD/u);
  }
});

test('a 200 KB word that the tokenizer counts as one token is cut into chunks of at most maxChars', () => {
  // WordPiece tokenizers read a word over 100 characters as one unknown token, as countWords does here.
  const word = 'abcdefghij'.repeat(20_000);
  const body = `The harbour council met on Tuesday. ${word} The ferry runs hourly.\n\nNext paragraph here.`;
  const chunks = chunkText(body, { targetTokens: 200, overlapTokens: 30, countTokens: countWords });
  assertChunkInvariants(body, chunks);
  for (const chunk of chunks) assert.ok(chunk.text.length <= 2000, `chunk ${chunk.index} holds ${chunk.text.length} characters`);
  assert.ok(chunks.length >= 100);
  assert.ok(chunks.some((c) => c.text.includes('The ferry runs hourly.')));
  const narrow = chunkText(body, { targetTokens: 200, overlapTokens: 30, countTokens: countWords, maxChars: 500 });
  for (const chunk of narrow) assert.ok(chunk.text.length <= 500);
  assertChunkInvariants(body, narrow);
});

test('long sentences of ordinary words are also kept within the character limit', () => {
  const long = Array.from({ length: 400 }, (_, i) => `harbour${i}`).join(' ');
  const body = `Opener here. ${long}. Closer here.`;
  const chunks = chunkText(body, { targetTokens: 1000, overlapTokens: 10, countTokens: countWords, maxChars: 300 });
  assertChunkInvariants(body, chunks);
  for (const chunk of chunks) {
    assert.ok(chunk.text.length <= 300);
    assert.match(body.charAt(chunk.start - 1) || ' ', /\s/u, 'a piece starts mid-word');
  }
  assert.throws(() => chunkText('Hi.', { targetTokens: 5, overlapTokens: 0, countTokens: countWords, maxChars: 1 }), RangeError);
});

test('Japanese text without spaces is chunked by sentence', () => {
  const body = '港の工事が始まった。市長は安全を強調した。\n\n図書館は夜まで開く。住民は歓迎している。週末も開館する。';
  const chunks = chunkText(body, { targetTokens: 22, overlapTokens: 0, countTokens: countCodePoints });
  assert.deepEqual(
    chunks.map((c) => c.text),
    ['港の工事が始まった。市長は安全を強調した。', '図書館は夜まで開く。住民は歓迎している。', '週末も開館する。'],
  );
  assertChunkInvariants(body, chunks);
});

test('chunk options are validated', () => {
  assert.throws(() => chunkText('Hi.', { targetTokens: 0, overlapTokens: 0, countTokens: countWords }), RangeError);
  assert.throws(() => chunkText('Hi.', { targetTokens: 5, overlapTokens: 5, countTokens: countWords }), RangeError);
});

test('normalizeForMatch straightens quotes, dashes, ellipses and spacing', () => {
  assert.equal(normalizeForMatch('  “It’s done” — for now…\u00a0\n\tthey said  '), '"It\'s done" - for now... they said');
  assert.equal(normalizeForMatch('Cafe\u0301 «open»'), 'Café "open"');
});

test('findNormalized returns offsets into the original stored text', () => {
  const stored = 'Intro.\n\nThe mayor said, “We will\n   rebuild the ferry dock” — and soon…  Then she left.';
  const cases: [string, string][] = [
    ['"We will rebuild the ferry dock"', '“We will\n   rebuild the ferry dock”'],
    ['We   will rebuild', 'We will\n   rebuild'],
    ['dock" - and soon...', 'dock” — and soon…'],
    ['  Then she left. ', 'Then she left.'],
  ];
  const decomposed = 'The cafe\u0301 reopened.';
  const found = findNormalized(decomposed, 'café reopened');
  assert.deepEqual(found, { start: 4, end: decomposed.length - 1 });
  for (const [needle, expected] of cases) {
    const found = findNormalized(stored, needle);
    assert.ok(found, `not found: ${needle}`);
    assert.equal(stored.slice(found.start, found.end), expected);
  }
});

test('findNormalized returns null for text that is not there', () => {
  const stored = 'The council approved the “harbour plan” on Monday.';
  assert.equal(findNormalized(stored, 'the council approved'), null, 'matching is case-sensitive');
  assert.equal(findNormalized(stored, 'approved the "harbor plan"'), null);
  assert.equal(findNormalized(stored, '   '), null);
  assert.equal(findNormalized(stored, 'Monday..'), null);
});

test('countLlmTokens counts o200k tokens and treats special-token text as plain text', () => {
  assert.equal(countLlmTokens(''), 0);
  assert.equal(countLlmTokens('Hello world'), 2);
  const sentence = 'The harbour ferry will run every hour from Monday.';
  assert.ok(countLlmTokens(sentence.repeat(10)) > countLlmTokens(sentence) * 5);
  assert.ok(countLlmTokens('Story ends <|endoftext|> here') > 3);
});

// Counted in a child process with a generous deadline, which a synchronous loop in this process could
// not be held to: byte-pair merging one 200 KB run took 27 s and grows with the square of the run, so
// these 4.5 MB would take hours; counted in linear time they take about a second.
test('countLlmTokens counts huge runs of letters, spaces and CJK text in linear time, close to the true count', () => {
  const script = `
    import { countLlmTokens } from ${JSON.stringify(pathToFileURL(nodeArgs('src/text/llm-tokens.ts')[0] ?? '').href)};
    const counts = [
      countLlmTokens('abcdefghij'.repeat(200_000)),
      countLlmTokens(' '.repeat(1_000_000)),
      countLlmTokens('港の工事が始まった'.repeat(50_000)),
      countLlmTokens('🌊'.repeat(200_000)),
    ];
    process.stdout.write(JSON.stringify(counts));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(child.signal, null, 'counting did not finish within a minute');
  assert.equal(child.status, 0, child.stderr);
  const [letters, spaces, japanese, emoji] = JSON.parse(child.stdout) as number[];
  const perThousand = countTokens('abcdefghij'.repeat(100), { disallowedSpecial: new Set<string>() });
  assert.ok(letters !== undefined && letters >= perThousand * 2000 && letters <= perThousand * 2000 * 1.1, `estimate ${letters}`);
  assert.ok((spaces ?? 0) > 0);
  assert.ok((japanese ?? 0) >= 400_000);
  assert.ok((emoji ?? 0) >= 200_000);
});

test('countLlmTokens is within a token per 2,000 characters of the exact count on ordinary articles', () => {
  const exact = (text: string): number => countTokens(text, { disallowedSpecial: new Set<string>() });
  for (const seed of [1, 2, 3]) {
    const body = generateArticle(seed, 400);
    assert.ok(body.length > 10_000);
    assert.ok(Math.abs(countLlmTokens(body) - exact(body)) <= body.length / 2000);
  }
});

test('truncateToLlmTokens keeps a verbatim prefix within the budget, cut after a sentence', () => {
  const text = 'The council met on Monday. It voted to raise the library budget by four percent. Residents objected loudly.';
  assert.equal(truncateToLlmTokens(text, 1000), text);
  assert.equal(truncateToLlmTokens(text, 0), '');
  const cut = truncateToLlmTokens(text, 18);
  assert.equal(cut, 'The council met on Monday. It voted to raise the library budget by four percent.');
  assert.ok(countLlmTokens(cut) <= 18);
  const words = 'harbour ferry dock '.repeat(50);
  const short = truncateToLlmTokens(words, 10);
  assert.ok(words.startsWith(short));
  assert.ok(countLlmTokens(short) <= 10);
  assert.match(short, /(?:harbour|ferry|dock)$/u, 'cut between words');
});

test("an article's bracketed numbers are defused with full-width brackets of the same length; quotes still match", () => {
  const stored = 'As the report [7] shows, fares rose [1, 2] and [ 3 ] [sic] [2-4].';
  const defused = defuseMarkers(stored);
  assert.equal(defused, 'As the report ［7］ shows, fares rose ［1, 2］ and ［ 3 ］ [sic] ［2-4］.');
  assert.equal(defused.length, stored.length, 'offsets into the stored text still hold');
  const found = findNormalized(stored, 'report ［7］ shows, fares rose ［1, 2］');
  assert.ok(found);
  assert.equal(stored.slice(found.start, found.end), 'report [7] shows, fares rose [1, 2]');
  assert.equal(stripMarkers('Fares rose [1][2]. Tolls did not [3, 4].'), 'Fares rose. Tolls did not.');
});
