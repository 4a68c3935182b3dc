import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Article, LoadResult } from '../src/articles/article.ts';
import { fileErrorMessage } from '../src/articles/files.ts';
import { parseAllowedHosts } from '../src/net/address-policy.ts';
import {
  IdRegistry,
  idFromFileName,
  idFromUrl,
  listArticleFiles,
  loadPaths,
  loadUrl,
  normalizeBody,
  normalizePublished,
  parseArticleBuffer,
  slugify,
} from '../src/articles/index.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/articles/', import.meta.url));
const fixture = (name: string): string => path.join(FIXTURES, name);

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'newsroom-articles-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function collect(results: AsyncIterable<LoadResult>): Promise<LoadResult[]> {
  const all: LoadResult[] = [];
  for await (const result of results) all.push(result);
  return all;
}

function articleOf(result: LoadResult | undefined): Article {
  assert.ok(result, 'expected a result');
  assert.ok(result.ok, `expected an article, got: ${result.ok ? '' : result.error}`);
  return result.article;
}

function errorOf(result: LoadResult | undefined): string {
  assert.ok(result, 'expected a result');
  assert.ok(!result.ok, `expected a failure, got article ${result.ok ? result.article.id : ''}`);
  return result.error;
}

function sourceOf(result: LoadResult | undefined): string | undefined {
  return result?.ok ? result.article.source : result?.source;
}

async function parseOne(name: string, text: string | Uint8Array, opts: Parameters<typeof parseArticleBuffer>[3] = {}): Promise<LoadResult> {
  const data = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const results = await parseArticleBuffer(name, data, `/store/${name}`, opts);
  assert.equal(results.length, 1);
  return results[0] as LoadResult;
}

// ---------------------------------------------------------------- formats

test('.txt: first non-empty line is the title, the rest a normalised body', async () => {
  const data = await readFile(fixture('harbor-repairs.txt'));
  const article = articleOf(await parseOne('harbor-repairs.txt', data));
  assert.equal(article.id, 'harbor-repairs');
  assert.equal(article.title, 'Council approves harbor repairs after two-year debate');
  assert.equal(article.source, '/store/harbor-repairs.txt');
  assert.deepEqual(article.tags, []);
  assert.ok(article.body.startsWith("Millbrook's town council voted seven to two"));
  assert.ok(article.body.includes('The repairs will cost'), 'runs of spaces collapse');
  assert.ok(article.body.endsWith('Work on the north pier is expected to begin in June.'));
  assert.equal(article.body.split('\n\n').length, 3, 'three blank lines become one paragraph break');
  assert.match(article.contentHash, /^[0-9a-f]{64}$/);
});

test('.md: front matter fields and light markdown become plain text', async () => {
  const article = articleOf(await parseOne('school-budget.md', await readFile(fixture('school-budget.md'))));
  assert.equal(article.id, 'school-budget-2024');
  assert.equal(article.title, 'School board trims bus routes to balance its budget');
  assert.equal(article.url, 'https://news.millbrook.example/education/school-budget');
  assert.equal(article.published, '2024-04-18');
  assert.equal(article.byline, 'Priya Natarajan');
  assert.equal(article.section, 'Education');
  assert.deepEqual(article.tags, ['schools', 'budget', 'transport']);

  const paragraphs = article.body.split('\n\n');
  assert.equal(
    paragraphs[0],
    'The Millbrook school board voted unanimously on Thursday to merge three bus routes, saving about 180,000 dollars a year.',
    'the heading repeating the title is dropped, emphasis markers go, soft line breaks join',
  );
  assert.equal(paragraphs[1], 'Parents react', 'a heading keeps its text as its own paragraph');
  assert.ok(paragraphs[2]?.endsWith('asked the board to publish the new timetables before August.'), 'links keep their text');
  assert.deepEqual(paragraphs.slice(3, 6), ['Route 4 merges into route 2', 'Route 7 is cut', 'Route 9 keeps its stops']);
  assert.ok(article.body.includes('the route_planner tool'), 'code keeps its underscores');
  assert.doesNotMatch(article.body, /[#*`[\]]|https?:/);
});

test('.md: lists, quotes, tables, code, images, HTML and entities read as a Markdown renderer shows them', async () => {
  const markdown = [
    '# Ferry fares rise',
    '',
    '<!-- editor: check the figures',
    'with the finance desk -->',
    'Fares rise by 5 % &amp; the night ferry ![a photo](ferry.jpg) stops at 11 pm.[^1]',
    '',
    '1. Adults pay 4.20',
    '1. Children pay 2.10',
    '',
    '> The council said the rise was "unavoidable".',
    '',
    '| Route | Fare |',
    '| --- | ---: |',
    '| North | **4.20** |',
    '',
    '```',
    'fare_table_v2',
    '```',
    '',
    '[^1]: Council minutes, March.',
  ].join('\n');
  const article = articleOf(await parseOne('fares.md', markdown));
  assert.equal(article.title, 'Ferry fares rise');
  assert.deepEqual(article.body.split('\n\n'), [
    'Fares rise by 5 % & the night ferry stops at 11 pm.',
    '1. Adults pay 4.20',
    '2. Children pay 2.10',
    'The council said the rise was "unavoidable".',
    '| Route | Fare |\n| North | 4.20 |',
    'fare_table_v2',
    'Council minutes, March.',
  ]);
});

test('.md without front matter takes its title from the first # heading', async () => {
  const article = articleOf(await parseOne('no-front-matter.md', await readFile(fixture('no-front-matter.md'))));
  assert.equal(article.id, 'no-front-matter');
  assert.equal(article.title, 'Farmers market moves to the riverside lot');
  assert.equal(
    article.body,
    'Some intro line before the heading.\n\nThe Saturday farmers market will open at the riverside parking lot from May, ' +
      'the parks department said, because the old square is being repaved.',
  );
});

test('.md with neither a front-matter title nor a # heading fails', async () => {
  const error = errorOf(await parseOne('untitled.md', '## Only a subheading\n\nSome text.\n'));
  assert.match(error, /^untitled\.md has no title/);
});

test('.md front matter problems are reported', async () => {
  assert.match(errorOf(await parseOne('a.md', '---\ntitle: [unclosed\n---\nBody.\n')), /^a\.md has invalid front matter/);
  assert.match(
    errorOf(await parseOne('b.md', '---\ntitle: Never closed\n\nBody.\n')),
    /^b\.md opens front matter with "---" but never closes it/,
  );
  assert.match(errorOf(await parseOne('c.md', '---\n- just\n- a list\n---\n# T\n\nBody.\n')), /^c\.md has front matter that is not/);
  assert.match(
    errorOf(await parseOne('d.md', '---\ntitle: T\nurl: /relative/path\n---\nBody.\n')),
    /^d\.md has the url "\/relative\/path", which is not an absolute http\(s\) address/,
  );
  assert.match(
    errorOf(await parseOne('e.md', '---\nid: has spaces in it\ntitle: T\n---\nBody.\n')),
    /^e\.md has the id "has spaces in it", which is not valid/,
  );
});

test('.md front matter keeps values as written (leading zeros, comma-separated tags)', async () => {
  const article = articleOf(await parseOne('f.md', '---\nid: 0012\ntitle: Zeros\ntags: roads, "bridges" , roads\n---\nBody text.\n'));
  assert.equal(article.id, '0012');
  assert.deepEqual(article.tags, ['roads', '"bridges"']);
});

test('.html: Readability keeps the story and drops nav, cookie banner, footer and other furniture', async () => {
  const html = await readFile(fixture('library-reopens.html'));
  const article = articleOf(await parseOne('library-reopens.html', html, { baseUrl: 'https://courier.millbrook.example/archive/' }));
  assert.equal(article.id, 'library-reopens');
  assert.equal(article.title, 'Library reopens after flood repairs');
  assert.equal(article.byline, 'Daniel Okafor');
  assert.equal(article.published, '2024-05-02T09:30:00+02:00');
  assert.equal(article.section, 'Local');
  assert.deepEqual(article.tags, ['library', 'flood']);
  assert.equal(article.url, 'https://courier.millbrook.example/local/library-reopens', 'relative canonical resolved');

  assert.deepEqual(article.body.split('\n\n'), [
    "The Millbrook public library reopened its doors on Thursday, eight months after a burst water main flooded the ground floor and ruined most of the children's collection.",
    'A new reading room',
    "Librarians used the closure to rebuild the children's area as a bright reading room with raised shelving, so that a future flood would not reach the books.",
    'Opening hours are back to nine to six on weekdays.',
    'Saturday story time returns next week.',
    'Head librarian Ruth Adeyemi thanked the volunteers who dried and catalogued more than two thousand donated books during the repairs.',
  ]);
  for (const boilerplate of ['cookies', 'Subscribe', 'Sport', 'Copyright', 'Related', 'inbox', 'By Daniel Okafor', 'May 2, 2024']) {
    assert.ok(!article.body.includes(boilerplate), `body should not contain "${boilerplate}"`);
  }
});

test('.html: byline from a byline element, date from <time datetime>, title without the site name', async () => {
  const html = `<html><head><title>Night bus trial ends | Millbrook Courier</title></head><body>
    <article><h1>Night bus trial ends</h1><div class="byline">By Sam Ortiz</div>
    <p>The six-month trial of a night bus between the station and the hospital ends on Friday.</p>
    <p>Ridership averaged forty passengers a night, below the target of sixty.</p>
    <p>Posted <time datetime="2024-08-09T18:45:00Z">Friday evening</time> by the transport desk.</p>
    </article></body></html>`;
  const article = articleOf(await parseOne('night-bus.htm', html));
  assert.equal(article.title, 'Night bus trial ends');
  assert.equal(article.byline, 'Sam Ortiz');
  assert.equal(article.published, '2024-08-09T18:45:00Z');
  assert.equal(article.url, undefined);
  assert.ok(article.body.startsWith('The six-month trial'));
  assert.ok(article.body.includes('Posted Friday evening by the transport desk.'), 'an inline <time> stays in its sentence');
});

test('.json: { "articles": [...] } with CMS fields, HTML bodies converted, records numbered', async () => {
  const results = await parseArticleBuffer('cms-export.json', await readFile(fixture('cms-export.json')), '/store/cms-export.json');
  assert.equal(results.length, 2);
  const [bridge, trees] = results.map(articleOf) as [Article, Article];

  assert.equal(bridge.id, '1041');
  assert.equal(bridge.source, '/store/cms-export.json#1');
  assert.equal(bridge.title, 'Bridge closure extended into July');
  assert.equal(bridge.url, 'https://news.millbrook.example/transport/bridge-closure');
  assert.equal(bridge.published, '2024-06-03T14:00:00Z');
  assert.equal(bridge.byline, 'Lena Varga');
  assert.equal(bridge.section, 'Transport');
  assert.deepEqual(bridge.tags, ['roads', 'bridge']);
  assert.equal(
    bridge.body,
    'The Elm Street bridge will stay closed until mid-July, the county engineer said.\n\n' +
      'Inspectors found more corrosion than expected in the steel beams.',
  );

  assert.equal(trees.id, 'cms-export-2', 'no id and no url: file slug plus record number');
  assert.equal(trees.source, '/store/cms-export.json#2');
  assert.equal(trees.published, '2024-06-08');
  assert.equal(trees.byline, 'Marcus Bell');
  assert.equal(trees.body.split('\n\n').length, 2);
});

test('.json: a plain array and a single object both load', async () => {
  const array = (
    await parseArticleBuffer(
      'feed.json',
      Buffer.from(
        JSON.stringify([
          { title: 'First', body: 'One.', url: 'https://news.millbrook.example/a/first' },
          { title: 'Second', body: 'Two.' },
        ]),
      ),
      '/store/feed.json',
    )
  ).map(articleOf);
  assert.deepEqual(
    array.map((a) => a.id),
    ['news-millbrook-example-a-first', 'feed-2'],
  );
  assert.deepEqual(
    array.map((a) => a.source),
    ['/store/feed.json#1', '/store/feed.json#2'],
  );

  const single = articleOf(await parseOne('single-story.json', JSON.stringify({ title: 'Alone', body: 'Just me.' })));
  assert.equal(single.id, 'single-story');
  assert.equal(single.source, '/store/single-story.json');
});

test('.json: malformed file fails as a whole with the line and column', async () => {
  const error = errorOf(await parseOne('broken.json', '[\n  {"title": "A", "body": "B"},\n  {"title": "C" "body": "D"}\n]\n'));
  assert.match(error, /^broken\.json is not valid JSON: .+\(line 3, column \d+\)$/);
});

test('.json: wrong shapes and bad records fail clearly while good records load', async () => {
  assert.match(errorOf(await parseOne('n.json', '42')), /^n\.json must hold an article object/);
  assert.match(errorOf(await parseOne('e.json', '[]')), /^e\.json contains no articles/);
  const results = await parseArticleBuffer(
    'mixed.json',
    Buffer.from(
      JSON.stringify([
        'not an object',
        { title: 'Good', body: 'Fine.' },
        { body: 'No title here.' },
        { title: 'No body' },
        { title: 'Bad date', body: 'x', published: 'next tuesday' },
        { title: 42, body: 'Numbers are text enough.' },
        { title: { nested: true }, body: 'x' },
      ]),
    ),
    '/store/mixed.json',
  );
  assert.equal(results.length, 7);
  assert.match(errorOf(results[0]), /^mixed\.json record 1 is not an article object$/);
  assert.equal(articleOf(results[1]).title, 'Good');
  assert.match(errorOf(results[2]), /^mixed\.json record 3 has no title/);
  assert.match(errorOf(results[3]), /^mixed\.json record 4 has a title but no body text$/);
  assert.match(errorOf(results[4]), /^mixed\.json record 5 has the published date "next tuesday", which is not a date/);
  assert.equal(articleOf(results[5]).title, '42');
  assert.match(errorOf(results[6]), /^mixed\.json record 7 has a "title" field that is not text$/);
  assert.equal(sourceOf(results[6]), '/store/mixed.json#7');
});

test('.jsonl: one bad line fails with its line number, the other lines load', async () => {
  const results = await parseArticleBuffer('wire-feed.jsonl', await readFile(fixture('wire-feed.jsonl')), '/store/wire-feed.jsonl');
  assert.equal(results.length, 3, 'the blank line is ignored');
  assert.equal(articleOf(results[0]).id, 'wire-001');
  assert.equal(articleOf(results[0]).source, '/store/wire-feed.jsonl#1');
  assert.match(errorOf(results[1]), /^wire-feed\.jsonl line 2 is not valid JSON: .+\(column \d+\)$/);
  assert.equal(sourceOf(results[1]), '/store/wire-feed.jsonl#2');
  assert.equal(articleOf(results[2]).id, 'wire-003');
  assert.equal(articleOf(results[2]).source, '/store/wire-feed.jsonl#4', 'line numbers count blank lines');
});

test('an attachment without a known extension is parsed by its Content-Type hint', async () => {
  const article = articleOf(await parseOne('story', '# From Discord\n\nAttached text.', { contentType: 'text/markdown; charset=utf-8' }));
  assert.equal(article.title, 'From Discord');
  assert.equal(article.id, 'story');
  assert.match(errorOf(await parseOne('scan.pdf', '%PDF-1.7')), /^scan\.pdf has an unsupported file type "\.pdf" \(supported: \.txt, \.md/);
  assert.match(errorOf(await parseOne('notes', 'hello')), /^notes has no file extension/);
});

// ---------------------------------------------------------------- normalisation and identity

test('the body is normalised so offsets are stable: CRLF, tabs, NFC, spaces, blank lines', async () => {
  assert.equal(
    normalizeBody('\n\n  First\tline   here  \r\nsecond line\r\n\r\n\r\n\r\nCafe\u0301 paragraph \u00A0 two\r\n\n'),
    'First line here\nsecond line\n\nCafé paragraph two',
  );
});

test('contentHash is the same for CRLF and LF copies, and changes with the text', async () => {
  const lf = 'Water rates rise\n\nRates go up by four percent in\nJanuary.\n\nThe council\tagreed.\n';
  const crlf = lf.replace(/\n/g, '\r\n');
  const a = articleOf(await parseOne('rates.txt', lf));
  const b = articleOf(await parseOne('rates.txt', crlf));
  assert.equal(a.body, b.body);
  assert.equal(a.contentHash, b.contentHash);
  const decomposed = articleOf(await parseOne('rates.txt', lf.replace('Water', 'Wa\u0301ter')));
  const composed = articleOf(await parseOne('rates.txt', lf.replace('Water', 'W\u00e1ter')));
  assert.equal(decomposed.contentHash, composed.contentHash, 'NFC makes composed and decomposed accents equal');
  assert.notEqual(articleOf(await parseOne('rates.txt', lf.replace('four', 'five'))).contentHash, a.contentHash);
});

test('published dates are normalised to ISO; an unparseable one fails', async () => {
  assert.deepEqual(normalizePublished('2024-03-05'), { ok: true, value: '2024-03-05' });
  assert.deepEqual(normalizePublished('March 5, 2024'), { ok: true, value: '2024-03-05' });
  // The written offset is kept: the date part stays the newsroom's local day.
  assert.deepEqual(normalizePublished('2024-03-05T10:00:00+02:00'), { ok: true, value: '2024-03-05T10:00:00+02:00' });
  assert.deepEqual(normalizePublished('2024-03-05 10:00'), { ok: true, value: '2024-03-05T10:00:00Z' });
  assert.deepEqual(normalizePublished('Tue, 05 Mar 2024 10:00:00 GMT'), { ok: true, value: '2024-03-05T10:00:00.000Z' });
  assert.deepEqual(normalizePublished(1709632800), { ok: true, value: '2024-03-05T10:00:00.000Z' });
  assert.deepEqual(normalizePublished('2024-02-30'), { ok: false });
  assert.deepEqual(normalizePublished('soon'), { ok: false });

  const error = errorOf(await parseOne('late.md', '---\ntitle: Late\npublished: sometime next week\n---\nBody.\n'));
  assert.equal(error, 'late.md has the published date "sometime next week", which is not a date (use YYYY-MM-DD or an ISO 8601 date-time)');
});

test('ids: explicit, file-name slug, URL slug; all within the allowed alphabet', async () => {
  assert.equal(idFromFileName('2024/Café Opening — Día 1.md'), 'cafe-opening-dia-1');
  assert.equal(idFromUrl(new URL('https://www.Example.org/News/Harbor_Vote/?ref=home')), 'www-example-org-news-harbor-vote');
  const long = slugify('word '.repeat(60));
  assert.ok(long.length <= 120);
  assert.match(long, /^[a-z0-9-]+$/);
  assert.notEqual(slugify(`${'word '.repeat(60)}a`), slugify(`${'word '.repeat(60)}b`), 'cut slugs stay distinct');
  assert.match(slugify('新闻'), /^article-[0-9a-f]{8}$/);
});

// ---------------------------------------------------------------- bad bytes

test('bad bytes: empty, whitespace only, binary, control characters, invalid UTF-8', async () => {
  assert.equal(errorOf(await parseOne('empty.txt', '')), 'empty.txt is empty');
  assert.equal(errorOf(await parseOne('blank.md', ' \n\t\n')), 'blank.md is empty');
  assert.equal(
    errorOf(await parseOne('photo.txt', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]))),
    'photo.txt looks like a binary file, not text',
  );
  const controls = Buffer.alloc(200, 0x01);
  controls.write('Title\n', 0);
  assert.equal(errorOf(await parseOne('noise.txt', controls)), 'noise.txt looks like a binary file, not text');

  const latin1 = Buffer.concat([Buffer.from('Title\nCaf'), Buffer.from([0xe9]), Buffer.from(' au lait\n')]);
  assert.equal(
    errorOf(await parseOne('latin1.txt', latin1)),
    'latin1.txt is not valid UTF-8 text (invalid byte at offset 9, line 2); save it as UTF-8 and try again',
  );
});

test('UTF-8 and UTF-16 byte-order marks are honoured', async () => {
  const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Title\nBody.')]);
  assert.equal(articleOf(await parseOne('bom.txt', withBom)).title, 'Title');
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Título\nCuerpo.', 'utf16le')]);
  assert.equal(articleOf(await parseOne('utf16.txt', utf16)).title, 'Título');
});

test('a title with no body fails', async () => {
  assert.equal(errorOf(await parseOne('headline-only.txt', 'Just a headline\n\n\n')), 'headline-only.txt has a title but no body text');
});

// ---------------------------------------------------------------- loading files and folders

test('loadPaths: a folder loads in sorted order, skipping dotfiles and unsupported files (reported via onSkip)', async (t) => {
  const dir = await tempDir(t);
  await mkdir(path.join(dir, 'sub'));
  await mkdir(path.join(dir, '.git'));
  await writeFile(path.join(dir, 'b.txt'), 'Bee\nSecond story.');
  await writeFile(path.join(dir, 'a.md'), '# Ay\n\nFirst story.');
  await writeFile(path.join(dir, 'sub', 'c.txt'), 'Sea\nThird story.');
  await writeFile(path.join(dir, '.hidden.txt'), 'Hidden\nNot loaded.');
  await writeFile(path.join(dir, '.git', 'x.txt'), 'Git\nNot loaded.');
  await writeFile(path.join(dir, 'photo.jpg'), Buffer.from([0xff, 0xd8, 0xff]));
  await writeFile(path.join(dir, 'notes.docx'), 'x');

  const skipped: string[] = [];
  const results = await collect(loadPaths([dir], { onSkip: (name) => skipped.push(name) }));
  assert.deepEqual(
    results.map((r) => articleOf(r).id),
    ['a', 'b', 'c'],
  );
  assert.equal(articleOf(results[2]).source, path.join(dir, 'sub', 'c.txt'));
  assert.deepEqual(skipped, [path.join(dir, 'notes.docx'), path.join(dir, 'photo.jpg')]);
  assert.deepEqual(
    await listArticleFiles([dir]),
    ['a.md', 'b.txt', 'sub/c.txt'].map((f) => path.join(dir, f)),
  );
});

test('loadPaths: bad files fail one by one and the rest of the batch loads', async (t) => {
  const dir = await tempDir(t);
  const big = path.join(dir, 'big.txt');
  await writeFile(big, '');
  await truncate(big, 50 * 1024 * 1024); // sparse: 50 MB on paper, nothing on disk
  await writeFile(path.join(dir, 'empty.txt'), '');
  await writeFile(path.join(dir, 'good.txt'), 'Good story\nIt loads.');
  await writeFile(path.join(dir, 'report.pdf'), '%PDF');

  const results = await collect(loadPaths([path.join(dir, 'big.txt'), path.join(dir, 'missing.md'), path.join(dir, 'report.pdf'), dir]));
  const errors = results.filter((r) => !r.ok).map(errorOf);
  assert.deepEqual(errors, [
    `${big} is 50.0 MB, larger than the 10 MB limit`,
    `${path.join(dir, 'missing.md')} does not exist`,
    `${path.join(dir, 'report.pdf')} has an unsupported file type ".pdf" (supported: .txt, .md, .markdown, .html, .htm, .json, .jsonl)`,
    `${path.join(dir, 'empty.txt')} is empty`,
  ]);
  assert.deepEqual(
    results.filter((r) => r.ok).map((r) => articleOf(r).id),
    ['good'],
    'big.txt named twice is read once',
  );
  assert.equal(sourceOf(results.find((r) => !r.ok)), big);
});

test('loadPaths: a smaller maxBytes is honoured', async (t) => {
  const dir = await tempDir(t);
  await writeFile(path.join(dir, 'long.txt'), `Long\n${'word '.repeat(400)}`);
  const [result] = await collect(loadPaths([dir], { maxBytes: 1024 }));
  assert.equal(errorOf(result), `${path.join(dir, 'long.txt')} is 2 KB, larger than the 1 KB limit`);
});

test('loadPaths: the second article with an id fails, naming where the first came from', async (t) => {
  const dir = await tempDir(t);
  await writeFile(path.join(dir, 'a.md'), '---\nid: harbor\ntitle: First\n---\nOne.');
  await writeFile(
    path.join(dir, 'b.json'),
    JSON.stringify([
      { id: 'harbor', title: 'Second', body: 'Two.' },
      { id: 'pier', title: 'Third', body: 'Three.' },
    ]),
  );
  const results = await collect(loadPaths([dir]));
  assert.equal(articleOf(results[0]).title, 'First');
  assert.equal(
    errorOf(results[1]),
    `${path.join(dir, 'b.json')} record 1 has the id "harbor", which ${path.join(dir, 'a.md')} already uses`,
  );
  assert.equal(sourceOf(results[1]), `${path.join(dir, 'b.json')}#1`);
  assert.equal(articleOf(results[2]).id, 'pier');

  const within = await parseArticleBuffer(
    'dup.jsonl',
    Buffer.from('{"id":"x","title":"A","body":"a"}\n{"id":"x","title":"B","body":"b"}\n'),
    '/store/dup.jsonl',
  );
  assert.equal(errorOf(within[1]), 'dup.jsonl line 2 has the id "x", which dup.jsonl line 1 already uses');

  const ids = new IdRegistry();
  articleOf(await parseOne('one.txt', 'One\nBody.', { ids }));
  assert.equal(errorOf(await parseOne('one.txt', 'One again\nBody.', { ids })), 'one.txt has the id "one", which one.txt already uses');
});

test('loadPaths: a path that cannot be read says why', async (t) => {
  assert.equal(
    fileErrorMessage('locked.md', Object.assign(new Error('x'), { code: 'EACCES' })),
    'locked.md cannot be read: permission denied',
  );
  assert.equal(fileErrorMessage('gone.md', Object.assign(new Error('x'), { code: 'ENOENT' })), 'gone.md does not exist');
  assert.equal(fileErrorMessage('odd.md', Object.assign(new Error('x'), { code: 'EIO' })), 'odd.md cannot be read (EIO)');

  if (process.getuid?.() === 0) {
    t.skip('running as root: file permissions cannot deny a read, so only the message mapping above is checked');
    return;
  }
  const dir = await tempDir(t);
  const locked = path.join(dir, 'locked.md');
  await writeFile(locked, '# Locked\n\nSecret.');
  await chmod(locked, 0o000); // the temp dir stays writable, so cleanup can still remove it
  const [result] = await collect(loadPaths([locked]));
  assert.equal(errorOf(result), `${locked} cannot be read: permission denied`);
});

test('loadPaths: a folder of 10,000 small files loads completely with bounded concurrency', async (t) => {
  const dir = await tempDir(t);
  const count = 10_000;
  for (let start = 0; start < count; start += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, count - start) }, (_, k) => {
        const n = start + k;
        return writeFile(path.join(dir, `story-${String(n).padStart(5, '0')}.txt`), `Story ${n}\nParagraph for story number ${n}.`);
      }),
    );
  }
  let loaded = 0;
  let previous = '';
  for await (const result of loadPaths([dir], { concurrency: 8 })) {
    const article = articleOf(result);
    assert.ok(article.id > previous, 'results arrive in sorted order');
    previous = article.id;
    loaded++;
  }
  assert.equal(loaded, count);
});

// ---------------------------------------------------------------- URLs

// These stand-in servers listen on 127.0.0.1, which the bot refuses unless an operator allows it.
const LOCAL_ALLOWED = parseAllowedHosts('127.0.0.1').policy;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function serve(t: { after: (fn: () => Promise<void>) => void }, handler: Handler): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('loadUrl: fetches an HTML page through the same extractor; url is the final URL, source the address', async (t) => {
  const page = await readFile(fixture('library-reopens.html'));
  const base = await serve(t, (req, res) => {
    if (req.url === '/old-link') {
      res.writeHead(301, { location: '/local/library-reopens.html' }).end();
    } else if (req.url === '/local/library-reopens.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('nope');
    }
  });
  const address = `${base}/old-link`;
  const article = articleOf(await loadUrl(address, { timeoutMs: 5000, maxBytes: 1024 * 1024, policy: LOCAL_ALLOWED }));
  assert.equal(article.url, `${base}/local/library-reopens.html`);
  assert.equal(article.source, address);
  assert.equal(article.id, idFromUrl(new URL(`${base}/local/library-reopens.html`)));
  assert.match(article.id, /^127-0-0-1-local-library-reopens-html$/);
  assert.equal(article.title, 'Library reopens after flood repairs');
  assert.ok(!article.body.includes('cookies'));
});

test('loadUrl: 404, non-HTML, too big, timeout, bad scheme and unreachable each get a clear message', async (t) => {
  const big = Buffer.alloc(4096, 'a');
  const base = await serve(t, (req, res) => {
    switch (req.url) {
      case '/missing':
        res.writeHead(404, 'Not Found').end();
        break;
      case '/broken':
        res.writeHead(500, 'Internal Server Error').end();
        break;
      case '/report.pdf':
        res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.7');
        break;
      case '/declared-big':
        res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(big.length) }).end(big);
        break;
      case '/streamed-big':
        res.writeHead(200, { 'content-type': 'text/html' });
        res.write(big);
        res.end(big);
        break;
      case '/slow':
        res.writeHead(200, { 'content-type': 'text/html' });
        res.write('<html><body><p>Still loading');
        break; // never ends
      default:
        res.writeHead(404).end();
    }
  });
  // A generous time limit, except where the limit itself is tested: on a busy machine (tests run in
  // parallel) a refusal by size or status must not lose a race with the clock.
  const opts = { timeoutMs: 10_000, maxBytes: 1024, policy: LOCAL_ALLOWED };
  assert.equal(errorOf(await loadUrl(`${base}/missing`, opts)), `${base}/missing was not found (404)`);
  assert.equal(errorOf(await loadUrl(`${base}/broken`, opts)), `${base}/broken answered 500 Internal Server Error instead of a page`);
  assert.equal(errorOf(await loadUrl(`${base}/report.pdf`, opts)), `${base}/report.pdf is application/pdf, not an HTML page`);
  assert.equal(errorOf(await loadUrl(`${base}/declared-big`, opts)), `${base}/declared-big is 4 KB, larger than the 1 KB limit`);
  assert.equal(errorOf(await loadUrl(`${base}/streamed-big`, opts)), `${base}/streamed-big is larger than the 1 KB limit`);
  assert.equal(errorOf(await loadUrl(`${base}/slow`, { ...opts, timeoutMs: 300 })), `${base}/slow did not answer within 0.3 seconds`);
  assert.equal(
    errorOf(await loadUrl('ftp://files.example/story.html', opts)),
    '"ftp://files.example/story.html" is not an http(s) address',
  );
  assert.equal(errorOf(await loadUrl('not a url', opts)), '"not a url" is not an http(s) address');

  // A port that was just freed refuses connections.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const unreachable = await loadUrl(`http://127.0.0.1:${port}/`, opts);
  assert.equal(errorOf(unreachable), `http://127.0.0.1:${port}/ could not be reached (ECONNREFUSED)`);
});
