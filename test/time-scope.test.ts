import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../src/errors.ts';
import { asOfDay, parseIsoDay, timeScopeOf } from '../src/retrieval/time-scope.ts';

// Saturday 14 March 2026.
const ASKED = '2026-03-14';
const windowOf = (question: string, asOf = ASKED) => timeScopeOf(question, asOf).window;

test('relative days and weeks are read from the as-of day', () => {
  assert.deepEqual(windowOf('What happened today?'), { from: ASKED, to: ASKED, expression: 'today', future: false });
  // What happened yesterday is reported yesterday or today.
  assert.deepEqual(windowOf('Who won yesterday?'), { from: '2026-03-13', to: ASKED, expression: 'yesterday', future: false });
  assert.deepEqual(windowOf('What did the council decide this week?'), {
    from: '2026-03-07',
    to: ASKED,
    expression: 'this week',
    future: false,
  });
  const lastWeek = windowOf('What happened last week in Port Alder?');
  assert.ok(lastWeek && lastWeek.from <= '2026-03-02' && lastWeek.to >= '2026-03-08' && lastWeek.to < ASKED, JSON.stringify(lastWeek));
  assert.deepEqual(windowOf('What did the mayor say on Monday?'), {
    from: '2026-03-09',
    to: '2026-03-10',
    expression: 'on Monday',
    future: false,
  });
  assert.deepEqual(windowOf('What happened in the last three days?')?.from, '2026-03-11');
});

test('months and dates: the latest one not after the as-of day; "since" runs to it', () => {
  assert.deepEqual(windowOf('What did the council decide last month?'), {
    from: '2026-02-01',
    to: '2026-03-03',
    expression: 'last month',
    future: false,
  });
  // "In June", asked in March, means last June (a month is reported on for a few days after it ends).
  assert.deepEqual(windowOf('What did Bluewake announce in June?'), {
    from: '2025-06-01',
    to: '2025-07-03',
    expression: 'in June',
    future: false,
  });
  assert.deepEqual(windowOf('What has changed since March 2025?'), {
    from: '2025-03-01',
    to: ASKED,
    expression: 'since March 2025',
    future: false,
  });
  assert.deepEqual(windowOf('What happened on March 3?'), {
    from: '2026-03-03',
    to: '2026-03-04',
    expression: 'on March 3',
    future: false,
  });
  // "3/4" is ambiguous (3 April or 4 March): read one way, and the window says which.
  const slash = windowOf('What happened on 3/4?');
  assert.ok(slash && slash.expression === 'on 3/4' && /^2026-0[34]-0[34]$/.test(slash.from));
});

test('a range of months runs to the last one; an event named by its time is reported on until the as-of day', () => {
  assert.deepEqual(windowOf('What were ferry fares in October-December?'), {
    from: '2025-10-01',
    to: '2026-01-03',
    expression: 'in October-December',
    future: false,
  });
  // "Monday's vote" happened on Monday; the stories about it (counts, reactions) come out until today.
  const vote = timeScopeOf("What did Monday's vote decide?", ASKED);
  assert.deepEqual(vote.window, { from: '2026-03-09', to: ASKED, expression: 'Monday', future: false });
  assert.equal(vote.query, 'What did vote decide?');
  assert.equal(windowOf("How many lost power in last week's storm?")?.to, ASKED);
});

test('"this weekend" asked on a Friday is the coming one, not a window on publication', () => {
  assert.equal(windowOf('Where should people look for the comet this weekend?', '2026-03-13'), null);
  // Asked on the Saturday it is the weekend under way.
  assert.equal(windowOf('What happened this weekend?', ASKED)?.to, ASKED);
});

test('a period a report covers is not a window on publication: results come out after it ends', () => {
  const quarter = timeScopeOf('How much did Bluewake earn in the October-December quarter?', '2026-01-29');
  assert.equal(quarter.window, null);
  assert.match(quarter.query, /October-December quarter/);
  assert.equal(windowOf('What did Bluewake make in the January-March fiscal quarter?', '2026-05-02'), null);
  assert.equal(windowOf("What were the harbour board's 2025 financial year results?"), null);
});

test('the future is a window no article can be in; plans ahead are not windows on publication', () => {
  const next = windowOf('What is planned for next week?');
  assert.ok(next?.future && next.from > ASKED, JSON.stringify(next));
  // Reported before it happens: the article saying who takes over in August was published earlier.
  assert.equal(windowOf('Who will take over the ferries in August?', '2026-06-11'), null);
});

test('words that only look like dates are not windows: durations, "now", verbs, numbers', () => {
  assert.equal(windowOf('Who kept the lighthouse for 40 years?'), null);
  assert.equal(windowOf('Will protesters march again?'), null);
  assert.equal(windowOf('What may happen next?'), null);
  assert.equal(windowOf('What happens at 5:30?'), null);
  assert.equal(windowOf('Who won 2-1?'), null);
  const now = timeScopeOf('What price are ferries charging now?', ASKED);
  assert.equal(now.window, null);
  assert.equal(now.recency, 'latest');
});

test('"the latest", "currently", "at the moment" prefer the newest stories; time words leave the query', () => {
  for (const question of [
    'What is the latest on the ferry strike?',
    'How many commuters currently take the bus?',
    'How many commuters take the bus at the moment?',
  ]) {
    const scope = timeScopeOf(question, ASKED);
    assert.equal(scope.recency, 'latest', question);
    assert.doesNotMatch(scope.query, /latest|currently|moment/, question);
  }
  assert.equal(timeScopeOf('Who leads the ferry union?', ASKED).recency, 'recent');
  assert.equal(timeScopeOf('What did the council decide this week?', ASKED).query, 'What did the council decide ?');
});

test('as-of days must be real YYYY-MM-DD days', () => {
  assert.equal(parseIsoDay('2026-02-28'), '2026-02-28');
  for (const bad of ['2026-13-45', '2026-02-30', 'tomorrow', '14/03/2026', '', '2026-3-4']) {
    assert.equal(parseIsoDay(bad), null, bad);
    assert.throws(
      () => asOfDay(bad, '--as-of'),
      (e: unknown) => e instanceof UserError && e.message.includes('--as-of must be a date written YYYY-MM-DD'),
    );
  }
});
