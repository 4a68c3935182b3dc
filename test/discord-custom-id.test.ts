import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defineCustomId, integer, oneOf, restOfId, token } from '../src/discord/custom-id.ts';

const page = defineCustomId('nr:test-page', { offset: integer, scope: oneOf('all', 'server'), search: restOfId });

test('a custom id reads back as the values it was made from, a search with ":" included', () => {
  const args = { offset: 20, scope: 'server' as const, search: 'vote: 10:30 council' };
  const id = page.encode(args);
  assert.equal(id, 'nr:test-page:20:server:vote: 10:30 council');
  assert.deepEqual(page.decode(id), args);
  assert.deepEqual(page.decode('nr:test-page:-10:all:'), { offset: -10, scope: 'all', search: '' });
});

test('an id of another component, or one that does not parse, is read as nothing', () => {
  const vote = defineCustomId('nr:test-vote', { answerId: token, vote: oneOf('up', 'down') });
  assert.equal(page.decode('nr:test-vote:abc:up'), null);
  assert.equal(page.decode('nr:test-page'), null);
  assert.equal(page.decode('nr:test-page:ten:all:x'), null);
  assert.equal(page.decode('nr:test-page:10:everywhere:x'), null);
  assert.equal(vote.decode('nr:test-vote:abc:sideways'), null);
  assert.equal(vote.decode('nr:test-vote::up'), null);
  assert.equal(vote.decode('nr:test-vote:abc:up:extra'), null);
  assert.deepEqual(vote.decode('nr:test-vote:abc:down'), { answerId: 'abc', vote: 'down' });
});

test('ids are kept within Discord’s 100 characters, counted as Discord counts them', () => {
  // 50 emoji are 100 UTF-16 units but 50 characters: a 50-character search always fits.
  const emoji = '📰'.repeat(50);
  assert.deepEqual(page.decode(page.encode({ offset: 10, scope: 'all', search: emoji }))?.search, emoji);
  assert.throws(() => page.encode({ offset: 10, scope: 'all', search: 'x'.repeat(90) }), /over Discord's 100/);
  const answer = defineCustomId('nr:test-answer', { answerId: token });
  assert.throws(() => answer.encode({ answerId: 'a:b' }), /cannot hold ":"/);
  assert.throws(() => defineCustomId('nr:test-bad', { search: restOfId, offset: integer }), /only the last field/);
});
