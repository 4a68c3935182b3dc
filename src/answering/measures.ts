/*
 * Quantities that are not plain counts: "How long is the contract?" is answered by "a 14-year contract",
 * "for a decade" or "three months", "How often" by "twice a year", "What time" by "at 7:30 p.m.": news
 * writes these with unit words, often with no digit at all. Plain patterns over a sentence's words.
 */

/** What kind of quantity a "how …" or "what time" question asks for. */
export type Measure = 'duration' | 'length' | 'distance' | 'age' | 'frequency' | 'clock' | 'speed' | 'weight';

const SMALL_NUMBERS =
  'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|' +
  'twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|dozens?';
/** A count and its gap before a unit: "14-", "400 ", "400", "three ", "twenty-two ", "a ", "half a ", "several ", "a few ". */
const COUNT = `(?:\\d[\\d,.]*[\\s-]*|(?:(?:${SMALL_NUMBERS})(?:-(?:${SMALL_NUMBERS}))?|an?|half an?|(?:a )?couple of|several|(?:a )?few|many|some)[\\s-]+)`;
const TIME_UNIT = '(?:second|minute|hour|day|night|week|fortnight|month|year|decade|century|centuries|millenni(?:um|a)|season|term)s?';
const LENGTH_UNIT =
  '(?:kilomet(?:re|er)s?|km|miles?|met(?:re|er)s?|feet|foot|ft|yards?|inch(?:es)?|centimet(?:re|er)s?|cm|millimet(?:re|er)s?|mm|blocks?|nautical miles?|storeys?)';
const MONTHS = 'January|February|March|April|May|June|July|August|September|October|November|December';
const AGE_DECADES = 'teens|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties';

/** "14-year", "three months", "a decade", "half a century", "for years", "since 2019", "until 2040". */
const DURATION = new RegExp(
  `\\b${COUNT}(?:(?:more|extra|additional|full|straight|consecutive)[\\s-]+)?${TIME_UNIT}\\b|` +
    `\\bfor (?:years|decades|months|weeks|days|hours|centuries|generations)\\b|\\b(?:since|until|till|through) (?:\\d{4}|(?:${MONTHS}))\\b|` +
    '\\b(?:overnight|all (?:day|night|week|year) long)\\b',
  'i',
);
/** "400 metres", "a mile", "half a kilometre", "12-storey". */
const LENGTH = new RegExp(`\\b${COUNT}${LENGTH_UNIT}\\b`, 'i');
/** "54-year-old", "aged 54", "in her fifties", "a century ago", "built in 1924", "centuries-old". */
const AGE = new RegExp(
  `\\b\\d+-year-old\\b|\\baged \\d+|\\b\\d+ years? old\\b|\\bin (?:his|her|their|its) (?:early |mid-?|late )?(?:${AGE_DECADES})\\b|` +
    `\\b(?:${TIME_UNIT})[\\s-]+(?:ago|old)\\b|\\b(?:built|opened|founded|established|dating|dates|completed|born|launched|set up)\\b[^.;]{0,30}?\\b(?:1[5-9]\\d{2}|20\\d{2})\\b`,
  'i',
);
/** "twice a year", "every two weeks", "daily", "40 sailings a day", "three times a week". */
const FREQUENCY = new RegExp(
  `\\b(?:every|each) (?:other |${COUNT})?${TIME_UNIT}\\b|\\b(?:once|twice|thrice|${COUNT}times) (?:a|an|per|each|every) ${TIME_UNIT}\\b|` +
    '\\b(?:hourly|daily|nightly|weekly|fortnightly|monthly|quarterly|yearly|annually|biannually|biennially)\\b|' +
    `\\b\\d[\\d,.]* [a-z]+ (?:a|an|per) (?:day|week|month|year|hour)\\b`,
  'i',
);
/** "7:30 p.m.", "at 9 am", "19:45", "noon", "shortly after midnight", "early in the morning". */
export const CLOCK_TIME =
  /\b\d{1,2}(?:[:.]\d{2})?\s*[ap]\.?m\.?(?=[\s,;)]|$)|\b(?:[01]?\d|2[0-3]):[0-5]\d\b|\b(?:noon|midday|midnight|dawn|dusk|daybreak|sunrise|sunset|o'clock)\b|\b(?:in|during|early|late) (?:the )?(?:morning|afternoon|evening|night)\b/i;
const SPEED = new RegExp(`\\b${COUNT}(?:km/h|kph|mph|knots|(?:miles|kilomet(?:re|er)s) (?:an|per) hour)`, 'i');
const WEIGHT = new RegExp(`\\b${COUNT}(?:kilo(?:gram)?s?|kg|tonnes?|tons?|pounds?|lbs?|grams?|ounces?|oz)\\b`, 'i');

/** How each kind of quantity is written; a question about one accepts any of its patterns. */
const PATTERNS: Record<Measure, readonly RegExp[]> = {
  // "How long" is a time or a length: "a 14-year contract", "a 400-metre bridge".
  duration: [DURATION, LENGTH],
  length: [LENGTH],
  // "How far" is a length or a time to travel: "12 miles", "a 20-minute drive".
  distance: [LENGTH, DURATION],
  // "How old": an age, a time since ("a century ago"), or the year something began.
  age: [AGE, DURATION],
  frequency: [FREQUENCY],
  clock: [CLOCK_TIME],
  speed: [SPEED],
  weight: [WEIGHT],
};

const MEASURE_WORDS: { measure: Measure; pattern: RegExp }[] = [
  {
    measure: 'duration',
    pattern:
      /\bhow long\b|\bhow many (?:more )?(?:seconds|minutes|hours|days|nights|weeks|months|years|decades|centuries)\b|\bfor how long\b/,
  },
  { measure: 'length', pattern: /\bhow (?:tall|high|deep|wide|long is the (?:bridge|road|tunnel|runway|route|line|river|wall|track))\b/ },
  { measure: 'distance', pattern: /\bhow far\b/ },
  { measure: 'age', pattern: /\bhow old\b|\bwhat age\b|\bat what age\b/ },
  { measure: 'frequency', pattern: /\bhow (?:often|frequently)\b|\bhow many times (?:a|an|per|each)\b/ },
  { measure: 'clock', pattern: /\b(?:what|which) time\b|\bat what hour\b/ },
  { measure: 'speed', pattern: /\bhow fast\b|\bhow quickly\b|\bat what speed\b/ },
  { measure: 'weight', pattern: /\bhow heavy\b|\bhow much did (?:it|the \w+) weigh\b/ },
];

/** The kind of quantity a question (lower-cased) asks for, or null for a plain count or amount. */
export function measureOf(question: string): Measure | null {
  // "How long is the bridge" reads as a length before it reads as a time.
  const length = MEASURE_WORDS.find((m) => m.measure === 'length' && m.pattern.test(question));
  if (length) return 'length';
  return MEASURE_WORDS.find((m) => m.pattern.test(question))?.measure ?? null;
}

/** Whether the sentence holds a quantity of the kind asked for. */
export function holdsMeasure(sentence: string, measure: Measure): boolean {
  return PATTERNS[measure].some((p) => p.test(sentence));
}
