import assert from 'node:assert/strict';
import { test } from 'node:test';
import { articleLink, md, neutralize, neutralizeWithin, plainText, splitMarkdown } from '../src/discord/neutralize.ts';
import { activeMarkup, bareLinks, blockMarkup, inlineMarkup, maskedLinks, mentions, readable } from './support/discord-markdown.ts';

const LINKS = [
  '[click here](http://evil.example/a)',
  '[[nested]](http://evil.example/n)',
  'see [a [b] c](http://evil.example/n2) now',
  '[the schedule](<http://evil.example/b>)',
  '[run this](javascript:alert(1))',
  '\\[already escaped](http://evil.example/e)',
  '[Fares rose [1]](https://evil.example/m "title")',
];

test('text from an article or a model cannot form a masked link, and reads as written', () => {
  for (const text of LINKS) {
    assert.ok(maskedLinks(text).length > 0 || text.startsWith('\\'), `the checker sees the link in ${text}`);
    const shown = neutralize(text).toString();
    assert.deepEqual(maskedLinks(shown), [], text);
    assert.equal(readable(shown), text.replace('[1]', '［1］'));
  }
});

test('bare addresses from an article or a model are shown as written but never become links', () => {
  const all = [
    'Read the raw file at https://evil.example/raw before Friday.',
    'http://evil.example/a',
    'glued:xhttps://evil.example/g and steam://run/1',
    'in brackets <https://evil.example/b> and <mailto://evil.example>',
    'HTTPS://EVIL.EXAMPLE/UPPER',
    'a list\n- https://evil.example/item',
  ];
  for (const text of all) {
    assert.ok(bareLinks(text).length > 0, `the checker sees the address in ${text}`);
    const shown = neutralize(text).toString();
    assert.deepEqual(bareLinks(shown), [], text);
    assert.equal(readable(shown), text);
  }
  for (const text of ['www.evil.example/raw', 'evil.example/raw', 'the 3:30 p.m. ferry', 'ratio 2://3']) {
    assert.equal(readable(neutralize(text).toString()), text, 'text without a scheme reads as written');
  }
  const ours = articleLink('Ferry fares https://evil.example/t', 'https://news.example/fares').toString();
  assert.deepEqual(
    maskedLinks(ours).map((l) => l.url),
    ['https://news.example/fares'],
    'our own headline link stays',
  );
  assert.deepEqual(bareLinks(ours), []);
});

test('mentions of every kind, @everyone and @here are shown but never resolved', () => {
  const all = [
    '<@123456789012345678>',
    '<@!123456789012345678>',
    '<@&223456789012345678>',
    '<#323456789012345678>',
    '</ask:423456789012345678>',
    '</articles list:423456789012345678>',
    '<:party:523456789012345678>',
    '<t:1767225600:R>',
    '@everyone',
    '@here',
    'mail@everyone.example',
  ];
  for (const text of all) {
    if (!text.includes('.example')) assert.ok(mentions(text).length > 0, `the checker sees ${text}`);
    const shown = neutralize(text).toString();
    assert.deepEqual(mentions(shown), [], text);
    assert.equal(readable(shown), text);
  }
});

test('headings, subtext, quotes, code blocks, spoilers and emphasis are shown as typed', () => {
  const all = [
    '# Heading',
    'first line\n## Second-level heading',
    '-# small print',
    '- # heading in a list item',
    '* 2. > quote in a nested list item',
    '> quoted',
    '  >>> everything below quoted',
    '```js\nalert(1)\n```',
    'the ||hidden|| part',
    '**boldinject** __underinject__ ~~strikeinject~~ *italinject* `codeinject`',
  ];
  for (const text of all) {
    const shown = neutralize(text).toString();
    assert.deepEqual(blockMarkup(shown), [], text);
    assert.doesNotMatch(activeMarkup(shown), /^\s*(?:(?:[-+*]|\d+[.)])\s+)*>/m, text);
    assert.deepEqual(inlineMarkup(shown, ['boldinject', 'underinject', 'strikeinject', 'italinject', 'codeinject']), [], text);
    assert.equal(readable(shown), text);
  }
});

test("an article's bracketed numbers never read as markers; a checked answer keeps its own", () => {
  const article = neutralize('As table [7] shows, fares rose [1, 2] and [ 3 ] [sic].').toString();
  assert.equal(readable(article), 'As table ［7］ shows, fares rose ［1, 2］ and ［ 3 ］ [sic].');
  const answer = neutralize('Fares rose to $4.50 [1][2].', { markers: 'ours' }).toString();
  assert.equal(readable(answer), 'Fares rose to $4.50 [1][2].');
});

test('md keeps its own markup and neutralises what is interpolated; our links are http(s) only', () => {
  const heading = md`**${'[x](http://evil.example/h) <@123456789012345678>'}** · ${7}`.toString();
  assert.ok(heading.startsWith('**') && heading.includes('** · 7'));
  assert.deepEqual(maskedLinks(heading), []);
  assert.deepEqual(mentions(heading), []);

  const linked = articleLink('Fares [7] rise [click](http://evil.example/t)', 'https://news.example/fares (2026)').toString();
  assert.deepEqual(maskedLinks(linked), [{ label: maskedLinks(linked)[0]?.label ?? '', url: 'https://news.example/fares%20%282026%29' }]);
  assert.equal(readable(linked).slice(1, readable(linked).lastIndexOf('](')), 'Fares ［7］ rise [click](http://evil.example/t)');
  for (const url of ['javascript:alert(1)', 'ftp://news.example/a', 'not a url', null]) {
    const shown = articleLink('Fares', url).toString();
    assert.deepEqual(maskedLinks(shown), [], String(url));
    assert.equal(shown, '**Fares**');
  }
});

test('shortening and splitting never cut an escape in two', () => {
  const hostile = '[x](http://evil.example/) '.repeat(400);
  for (const max of [51, 200, 1000]) {
    const short = neutralizeWithin(hostile, max).toString();
    assert.ok(short.length <= max, `${short.length} > ${max}`);
    assert.deepEqual(maskedLinks(short), []);
  }
  const brackets = neutralize('['.repeat(5000)).toString();
  for (const piece of splitMarkdown(neutralize('['.repeat(5000)), 999)) {
    assert.ok(piece.length <= 999);
    assert.doesNotMatch(activeMarkup(piece.toString()), /\[/, 'no bracket left unescaped at a cut');
  }
  assert.equal(
    splitMarkdown(neutralize('['.repeat(5000)), 999)
      .map(String)
      .join(''),
    brackets,
  );
});

test('plain-text names (autocomplete) are one line, without mention syntax or marker-like numbers', () => {
  const name = plainText('Fares [7] rise\n<@123456789012345678> @everyone </ask:1>', 40);
  assert.ok(name.length <= 40);
  assert.doesNotMatch(name, /\n|\[7\]|<@\d|@everyone|<\/ask/);
  assert.match(name, /^Fares ［7］ rise/);
});
