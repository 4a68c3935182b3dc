import { createRequire } from 'node:module';
import type * as Chrono from 'chrono-node';
import { UserError } from '../errors.ts';
import { messages } from '../messages/answers.ts';

/**
 * When a question is asked, and which publication dates it is about. News questions are asked at a
 * moment ("as of" a day: today, or `--as-of`); "yesterday", "this week", "in June", "since March" are
 * read from that day (with chrono-node) and become a window of publication dates. Without time words,
 * recent stories are preferred among near-equal matches; "the latest", "currently" prefer them more.
 */

let chrono: typeof Chrono | undefined;

/** chrono-node, loaded on first use (synchronously, its CommonJS build): commands that read no question skip its start-up cost. */
function loadChrono(): typeof Chrono {
  return (chrono ??= createRequire(import.meta.url)('chrono-node') as typeof Chrono);
}

export interface TimeScope {
  /** The day the question is asked (YYYY-MM-DD): nothing published after it is used. */
  asOf: string;
  /** Publication dates the question is about, or null when it names none. */
  window: DateWindow | null;
  /** How strongly newer stories are preferred: `latest` when the question asks for the newest. */
  recency: 'recent' | 'latest';
  /** The question without its time words, for matching on content. */
  query: string;
}

export interface DateWindow {
  /** Inclusive publication-date bounds (YYYY-MM-DD). */
  from: string;
  to: string;
  /** The words of the question it was read from ("this week"). */
  expression: string;
  /** The window lies after the as-of day: no stored article can be from then. */
  future: boolean;
}

const DAY_MS = 86_400_000;

/** Words asking for the newest state of a story. */
const LATEST =
  /\b(?:the\s+)?(?:latest|newest|most\s+recent(?:ly)?|recent(?:ly)?|current(?:ly)?|right\s+now|at\s+(?:the\s+)?(?:moment|present)|presently|so\s+far|as\s+of\s+now|these\s+days|now|in\s+the\s+end|eventually|ultimately|finally)\b/gi;

/** Prepositions that belong to a time expression ("since March", "in June", "on Monday"). */
const LEAD_IN = /\b(?:in|on|since|during|from|by|before|until|till|over|of|at|around|earlier|later|early|late|mid)\s*$/i;

/** A question about what is planned ("will", "is due to"): a date after the as-of day is the event's, not a publication's. */
const FUTURE_TENSE = /\b(?:will|won't|going to|is due|are due|due to|expected to|plans? to|planned|scheduled|set to)\b/i;

const MONTH_ONLY = /^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?$/i;

/**
 * A period a report covers ("the October-December quarter", "the first half", "the 2025 fiscal
 * year"): results are published after it ends, so it says nothing about when the story came out.
 */
const REPORTING_PERIOD = /^\s*(?:['’]s\s+)?(?:fiscal\s+|financial\s+)?(?:quarter|half|half-year|fiscal\s+year|financial\s+year)\b/i;

/** "last week's storm", "Monday's vote": the time of an event, reported on from then until the question is asked. */
const EVENT_POSSESSIVE = /^['’]s\b/;

/** A date as YYYY-MM-DD, from a Date in UTC. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function addDays(day: string, days: number): string {
  return isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

function weekday(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

/** Monday of the week holding `day`. */
function weekStart(day: string): string {
  return addDays(day, -((weekday(day) + 6) % 7));
}

function monthEnd(year: number, month: number): string {
  return isoDay(new Date(Date.UTC(year, month, 0)));
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Checks a `YYYY-MM-DD` string names a real day; returns it, or null. */
export function parseIsoDay(text: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? text.trim() : null;
}

/** An "as of" day given by a person (`--as-of`, Discord's `as_of`): a real YYYY-MM-DD day, else a UserError naming the option. */
export function asOfDay(value: string, option: string): string {
  const day = parseIsoDay(value);
  if (!day) throw new UserError(messages.invalidAsOf(option, value));
  return day;
}

/** Reads the time words of `question` as of the day `asOf` (YYYY-MM-DD). */
export function timeScopeOf(question: string, asOf: string): TimeScope {
  let query = question;
  let window: DateWindow | null = null;
  const reference = { instant: new Date(`${asOf}T12:00:00Z`), timezone: 'UTC' };
  for (const result of loadChrono().casual.parse(question, reference, { forwardDate: false })) {
    const before = question.slice(0, result.index);
    const after = question.slice(result.index + result.text.length);
    if (REPORTING_PERIOD.test(after)) continue;
    const found = windowOf(result, before, asOf);
    if (!found) continue;
    const possessive = EVENT_POSSESSIVE.exec(after)?.[0] ?? '';
    window = possessive && found.from <= asOf ? { ...found, to: asOf } : found;
    const leadIn = LEAD_IN.exec(before);
    const from = leadIn ? result.index - leadIn[0].length : result.index;
    query = `${question.slice(0, from)} ${after.slice(possessive.length)}`;
    break;
  }
  const recency = LATEST.test(query) ? 'latest' : 'recent';
  LATEST.lastIndex = 0;
  query = query.replace(LATEST, ' ').replace(/\s+/g, ' ').trim();
  return { asOf, window, recency, query: query || question };
}

// eslint-disable-next-line max-lines-per-function -- one case per kind of time phrase, in the order they are tried
function windowOf(result: Chrono.ParsedResult, before: string, asOf: string): DateWindow | null {
  const text = result.text.toLowerCase();
  const start = result.start;
  const leadIn = LEAD_IN.exec(before)?.[0].trim().toLowerCase() ?? '';
  const hasDate = ['year', 'month', 'day', 'weekday'].some((k) => start.isCertain(k as Chrono.Component));
  const relative = /\b(?:today|tonight|yesterday|week|weekend|month|year|ago|past|last|this|next|tomorrow)\b/.test(text);
  if (!hasDate && !relative) return null; // a time of day alone ("at 5:30")
  if (/^(?:right )?now$/.test(text)) return null; // "now" asks for the latest, it names no window
  // "Who will take over in August?" asked in June is about an event ahead, reported before it happens.
  if (!start.isCertain('year') && isoDay(start.date()) > asOf && FUTURE_TENSE.test(before)) return null;
  // A duration ("for 40 years", "three weeks") is not a moment, unless anchored ("two weeks ago", "the past month").
  if (/\b(?:years?|months?|weeks?|days?|hours?|minutes?)\b/.test(text) && !/\b(?:ago|past|last|next|this|since|earlier|later)\b/.test(text))
    return null;
  // "march", "may" as verbs: a bare month counts when capitalised or introduced by a preposition.
  if (MONTH_ONLY.test(text) && !/^[A-Z]/.test(result.text) && !leadIn) return null;
  // "1/2" in "half of 1/2": a slash date counts only when introduced as a date.
  if (/^\d{1,2}\/\d{1,2}$/.test(text) && !leadIn && before.trim() !== '') return null;

  let from: string;
  let to: string;
  // "This weekend" asked on a Friday is the one starting tomorrow: an event ahead, reported before it.
  if (/\bweekend\b/.test(text) && !/\b(?:last|next)\b/.test(text) && weekday(asOf) === 5) return null;
  if (/\bweekend\b/.test(text)) {
    // The latest weekend that has begun; asked on a Saturday, the one before counts too.
    let saturday = addDays(asOf, -((weekday(asOf) + 1) % 7));
    const onWeekend = weekday(asOf) === 6 || weekday(asOf) === 0;
    if (/\blast\b/.test(text) && onWeekend) saturday = addDays(saturday, -7);
    if (/\bnext\b/.test(text)) saturday = addDays(saturday, 7);
    [from, to] = [weekday(asOf) === 6 && !/\b(?:last|next)\b/.test(text) ? addDays(saturday, -7) : saturday, addDays(saturday, 2)];
  } else if (/\bpast\b|\blast \w+ (?:days|weeks|months)\b/.test(text)) {
    // "the past month", "the last three days": a span ending on the as-of day.
    [from, to] = [isoDay(start.date()), asOf];
  } else if (/\bthis week\b/.test(text)) {
    [from, to] = [addDays(asOf, -7), asOf];
  } else if (/\blast week\b/.test(text)) {
    const monday = addDays(weekStart(asOf), -7);
    [from, to] = [addDays(monday, -1), addDays(monday, 7)];
  } else if (/\bnext week\b/.test(text)) {
    const monday = addDays(weekStart(asOf), 7);
    [from, to] = [monday, addDays(monday, 6)];
  } else if (
    /\b(?:this|last|next) month\b/.test(text) ||
    (start.isCertain('month') && !start.isCertain('day') && !start.isCertain('weekday'))
  ) {
    let year = start.get('year') ?? Number(asOf.slice(0, 4));
    const month = start.get('month') ?? Number(asOf.slice(5, 7));
    // "in June" asked in March means last June.
    if (!start.isCertain('year') && `${year}-${pad(month)}` > asOf.slice(0, 7) && !/\bnext\b/.test(text)) year--;
    from = `${year}-${pad(month)}-01`;
    // A month (or a range of months, "October-December") is reported on for a few days after it ends.
    const end = result.end?.isCertain('month') ? result.end.date() : null;
    const last = end && isoDay(end) >= from ? monthEnd(end.getUTCFullYear(), end.getUTCMonth() + 1) : monthEnd(year, month);
    to = /\bthis month\b/.test(text) ? asOf : addDays(last, 3);
  } else if (/\b(?:this|last|next) year\b/.test(text) || (start.isCertain('year') && !start.isCertain('month'))) {
    const year = start.get('year') ?? Number(asOf.slice(0, 4));
    from = `${year}-01-01`;
    to = /\bthis year\b/.test(text) ? asOf : `${year}-12-31`;
  } else {
    let day = isoDay(start.date());
    if (start.isCertain('weekday') && !start.isCertain('day')) {
      // "on Monday": the latest Monday on or before the as-of day (chrono may pick the next one).
      day = addDays(asOf, -((weekday(asOf) - (start.get('weekday') ?? 0) + 7) % 7));
      if (/\blast\b/.test(text) && day === asOf) day = addDays(day, -7);
    } else if (start.isCertain('month') && !start.isCertain('year') && day > asOf && !/\b(?:next|tomorrow)\b/.test(text)) {
      day = `${Number(day.slice(0, 4)) - 1}${day.slice(4)}`;
    }
    // What happened on a day is reported that day or the next.
    [from, to] = [day, addDays(day, 1)];
    if (/\byesterday\b|\blast night\b/.test(text)) to = asOf;
  }
  if (leadIn === 'since' || leadIn === 'from') to = asOf;
  if (leadIn === 'before' || leadIn === 'until' || leadIn === 'till' || leadIn === 'by') {
    to = addDays(from, leadIn === 'before' ? -1 : 0);
    from = '0000-01-01';
  }
  if (to > asOf && from <= asOf) to = asOf;
  return { from, to, expression: `${leadIn ? `${leadIn} ` : ''}${result.text}`.trim(), future: from > asOf };
}
