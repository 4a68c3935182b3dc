import { CLOCK_TIME, holdsMeasure } from './measures.ts';
import type { AnswerType, QuestionAnalysis } from './question.ts';
import { nameKey } from '../retrieval/keyword-query.ts';
import { stem } from './terms.ts';
import { ANSWER_SHAPE } from './weights.ts';
import { CAPITALISED_OPENERS } from '../text/sentences.ts';

/*
 * Whether a sentence holds an answer of the kind a question asks for: a name not already in the
 * question for "who", a number for "how many", a date for "when", a place for "where", a cause for
 * "why". Plain patterns over the sentence's words, cheap enough to run on every candidate sentence.
 */

const NUMBER_WORDS =
  'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|' +
  'twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|dozens?|half|a third|a quarter|' +
  'double|doubled|tripled|halved';
const NUMBER = new RegExp(`(?:[$€£¥]\\s?)?\\b(?:\\d[\\d,.]*(?:\\s?(?:%|percent|per cent|m\\b|bn\\b|k\\b))?|(?:${NUMBER_WORDS})\\b)`, 'gi');
const YEAR = /^(?:1[89]\d{2}|20\d{2})$/;
const MONTHS =
  'January|February|March|April|May|June|July|August|September|October|November|December|Jan\\.|Feb\\.|Aug\\.|Sept?\\.|Oct\\.|Nov\\.|Dec\\.';
const WEEKDAYS = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday';
const DATE = new RegExp(
  `\\b(?:(?:${MONTHS})(?:\\s+\\d{1,2})?|${WEEKDAYS}|(?:1[89]\\d{2}|20\\d{2})s?|\\d{1,2}/\\d{1,2}(?:/\\d{2,4})?|` +
    '(?:yesterday|today|tonight|last (?:week|month|year|night)|earlier this (?:week|month|year)|this (?:week|month|year)|next (?:week|month|year)))\\b',
);
const CALENDAR_WORD = new RegExp(`^(?:${MONTHS}|${WEEKDAYS})$`);
const CAUSE =
  /\b(?:because|due to|as a result|in order to|so that|amid|citing|owing to|blamed|following|caused by|led to|after|since|over concerns?|reason|aimed at|to (?:avoid|prevent|protect|reduce|allow|ensure))\b/i;
const SPEECH = /["“”]|\b(?:said|says|told|added|warned|argued|stated|according to)\b/;
const LOCATION_BEFORE = /\b(?:in|at|near|from|to|outside|across|into|inside|off|toward|towards|of)\s+(?:the\s+)?$/i;

/** A wire-copy dateline opening a lede ("NALEVU, Tamaru, Jan. 19 (Wire) — "): where and when it was filed, not the news. */
const DATELINE = /^\s*\p{Lu}[\p{Lu}\s.'’-]+(?:,[^—–\n]{1,40}?)?(?:,?\s+\p{Lu}\p{Ll}{2,8}\.?\s+\d{1,2})?\s*(?:\([^)]{1,30}\))?\s*[—–-]+\s+/u;

/** The sentence without its dateline. */
function withoutDateline(sentence: string): string {
  return sentence.replace(DATELINE, '');
}

/** Capitalised words that open sentences or quotes, not names. */
const NOT_NAMES = new Set([
  ...CAPITALISED_OPENERS,
  'Asked',
  'According',
  'Around',
  'About',
  'Some',
  'Many',
  'Most',
  'All',
  'Both',
  'Each',
  'Other',
  'Currently',
  'Earlier',
  'Later',
  'For',
  'With',
  'By',
  'From',
  'To',
  'Of',
  'Under',
  'Over',
  'Despite',
]);

interface Name {
  text: string;
  /** Character offset in the sentence. */
  index: number;
}

/** Runs of capitalised words (names of people, places, organisations), minus calendar words. */
function namesIn(sentence: string): Name[] {
  const names: Name[] = [];
  const pattern = /\p{Lu}[\p{L}\p{M}'’.-]*(?:\s+(?:(?:of|de|da|del|van|von|al|bin|la|le|the|and|&)\s+)?\p{Lu}[\p{L}\p{M}'’.-]*)*/gu;
  for (const match of sentence.matchAll(pattern)) {
    let text = match[0].replace(/['’]s$/, '').replace(/[.'’-]+$/, '');
    let index = match.index;
    const first = text.split(/\s+/)[0] ?? '';
    if (NOT_NAMES.has(first)) {
      const rest = text.slice(first.length).trimStart();
      index += text.length - rest.length;
      text = rest;
    }
    if (!text || CALENDAR_WORD.test(text) || (/^\p{Lu}\p{Ll}*$/u.test(text) && text.length < 2)) continue;
    names.push({ text, index });
  }
  return names;
}

/** Names in the sentence that the question does not already hold: the new information. */
function newNames(sentence: string, question: QuestionAnalysis): Name[] {
  const asked = new Set(question.terms.flatMap((t) => t.stem.split('|')));
  const isAsked = (word: string) => asked.has(stem(word)) || asked.has(nameKey(word));
  return namesIn(sentence).filter((n) => (n.text.match(/[\p{L}\p{N}]+/gu) ?? []).some((w) => !isAsked(w)));
}

function numbersIn(sentence: string, question: QuestionAnalysis): { text: string; index: number }[] {
  const asked = new Set(question.terms.map((t) => t.word));
  const found: { text: string; index: number }[] = [];
  for (const match of sentence.matchAll(NUMBER)) {
    const digits = match[0].replace(/[$€£¥\s]/g, '').replace(/[,.]$/, '');
    if (asked.has(digits.toLowerCase()) || YEAR.test(digits)) continue;
    found.push({ text: match[0], index: match.index });
  }
  return found;
}

/** Whether a number in the sentence sits next to the word the question counts ("5,200 US soldiers"). */
function numberNearFocus(sentence: string, numbers: { index: number; text: string }[], focus: string): boolean {
  return numbers.some((n) => {
    const after =
      sentence
        .slice(n.index + n.text.length)
        .match(/[\p{L}\p{N}'’-]+/gu)
        ?.slice(0, 4) ?? [];
    const before =
      sentence
        .slice(0, n.index)
        .match(/[\p{L}\p{N}'’-]+/gu)
        ?.slice(-3) ?? [];
    return [...after, ...before].some((w) => stem(w) === focus);
  });
}

/**
 * How well a sentence fits the kind of answer asked for: 1 when it holds one (next to the asked-about
 * noun where there is one), 0 when it holds none; in between as ANSWER_SHAPE says.
 */
export function answerShapeScore(text: string, question: QuestionAnalysis, stems: ReadonlySet<string>): number {
  const sentence = withoutDateline(text);
  const type: AnswerType = question.type;
  switch (type) {
    case 'number': {
      // "How long", "how often": a quantity of that kind, digits or not ("for a decade", "twice a year").
      if (question.measure && holdsMeasure(sentence, question.measure)) return 1;
      const numbers = numbersIn(sentence, question);
      if (numbers.length === 0) return 0;
      if (question.measure) return ANSWER_SHAPE.otherMeasure;
      return question.focus && !numberNearFocus(sentence, numbers, question.focus) ? ANSWER_SHAPE.misplaced : 1;
    }
    case 'date':
      if (question.measure === 'clock') return CLOCK_TIME.test(sentence) ? 1 : DATE.test(sentence) ? ANSWER_SHAPE.misplaced : 0;
      return DATE.test(sentence) || CLOCK_TIME.test(sentence) ? 1 : 0;
    case 'name':
      return newNames(sentence, question).length > 0 ? 1 : 0;
    case 'place': {
      const names = newNames(sentence, question);
      if (names.length === 0) return 0;
      return names.some((n) => LOCATION_BEFORE.test(sentence.slice(0, n.index))) ? 1 : ANSWER_SHAPE.misplaced;
    }
    case 'reason':
      return CAUSE.test(sentence) ? 1 : ANSWER_SHAPE.weakHint;
    case 'thing': {
      const hasFocus = question.focus !== null && stems.has(question.focus);
      const hasNew = newNames(sentence, question).length > 0 || /["“][^"”]{2,60}["”]/.test(sentence);
      return (hasFocus ? ANSWER_SHAPE.thingFocus : 0) + (hasNew ? ANSWER_SHAPE.thingNewName : ANSWER_SHAPE.thingNothingNew);
    }
    case 'other':
      return ANSWER_SHAPE.unknownKind;
  }
}

/** Whether the question asks what someone said (then quotes and attributions answer it). */
export function asksForWords(questionText: string): boolean {
  return /\b(?:say|said|says|tell|told|warn(?:ed)?|argue[ds]?|claim(?:ed)?|describe[ds]?|call(?:ed)?|react(?:ed)?|respond(?:ed)?)\b/i.test(
    questionText,
  );
}

export function reportsSpeech(sentence: string): boolean {
  return SPEECH.test(sentence);
}
