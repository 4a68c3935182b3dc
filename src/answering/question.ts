import { nameKey, queryTerms } from '../retrieval/keyword-query.ts';
import { measureOf, type Measure } from './measures.ts';
import { stem } from './terms.ts';

/**
 * What kind of answer a question asks for, read from its wording the way classic question-answering
 * systems do: who → a name; how many / how much → a number or amount; when → a date; where → a place;
 * which X / what X → something named, of the kind X; why → a reason.
 */
export type AnswerType = 'name' | 'number' | 'date' | 'place' | 'thing' | 'reason' | 'other';

export interface QuestionTerm {
  word: string;
  /**
   * What it is matched by: its Porter stem; for a name, its name key or its stem ("~esterr|esterran":
   * "Esterran" matches "Esterra" and "esterran"; "Valley" matches "the valley").
   */
  stem: string;
  /** Written as a proper name or acronym in the question ("Carter", "US", "NATO") or a number. */
  name: boolean;
}

export interface QuestionAnalysis {
  type: AnswerType;
  /** Stem of the noun the question asks about ("how many troops" → "troop"), or null. */
  focus: string | null;
  /**
   * Stems a passage must hold to answer: the attribute a "what is the X of Y" question asks for
   * ("population", "capital"), and an ordinal or superlative that picks one of them ("the first
   * president", "the largest ocean"). A passage that never mentions them cannot answer, however much
   * of Y it names. Empty for other questions.
   */
  required: string[];
  /** The question's meaningful words (stopwords and question words dropped). */
  terms: QuestionTerm[];
  /** The kind of quantity asked for ("how long" → a duration, "what time" → a clock time), or null. */
  measure: Measure | null;
}

const KIND_WORDS: { type: AnswerType; pattern: RegExp }[] = [
  { type: 'number', pattern: /\bhow (?:many|much|long|old|far|big|large|high|tall|often|fast|deep|heavy)\b/ },
  {
    type: 'number',
    pattern:
      /\bwhat (?:was |is |were |are )?(?:the )?(?:latest |new |final |current )?(?:percentage|share|proportion|number|amount|sum|price|cost|score|scoreline|figure|total|rate|toll|death toll|turnout|margin|budget|value|population|size|salary|fee|fine|deficit|surplus|revenue|profit|loss|level|count|estimate|tally|lead|majority)\b/,
  },
  { type: 'date', pattern: /^(?:since |until |by )?when\b|\b(?:what|which) (?:year|day|date|month|time|weekday)\b/ },
  {
    type: 'place',
    pattern:
      /^where\b|\b(?:what|which) (?:city|cities|town|country|countries|place|region|state|province|village|venue|stadium|port|district|island|capital|neighbou?rhood|street|county)\b/,
  },
  { type: 'name', pattern: /^(?:who|whom|whose)\b|\b(?:to|by|with|from|for|of) whom\b|^(?:\w+ )?(?:who|whom)\b/ },
  {
    type: 'name',
    pattern:
      /\b(?:which|what) (?:person|people|player|players|official|minister|company|companies|firm|team|club|side|group|organi[sz]ation|party|agency|bank|airline|carrier|manufacturer|brand|coach|manager|judge|lawyer|candidate|leader|union)\b/,
  },
  { type: 'reason', pattern: /^why\b|\bwhat (?:caused|prompted|led to|triggered|drove)\b|\bfor what reason\b|\bhow come\b/ },
  {
    type: 'thing',
    pattern:
      /^(?:\w+ )?(?:which|what) (?!did\b|does\b|do\b|is\b|was\b|are\b|were\b|has\b|have\b|had\b|will\b|would\b|can\b|could\b|should\b)\w+/,
  },
];

/** Words that end the noun phrase after "which"/"how many". */
const PHRASE_END = new Set([
  'did',
  'does',
  'do',
  'is',
  'was',
  'are',
  'were',
  'has',
  'have',
  'had',
  'will',
  'would',
  'can',
  'could',
  'should',
  'in',
  'of',
  'on',
  'at',
  'for',
  'to',
  'from',
  'by',
  'with',
  'that',
  'this',
  'these',
  'those',
  'the',
  'a',
  'an',
]);

const TRIGGER = /\b(?:how (?:many|much)|which|what)\s+/i;

/** "What is the population of …", "Who was the first president of …": the noun the question is about. */
const COPULAR = /^(?:what|who|which)\s+(?:is|was|are|were|'s)\s+(?:the\s+|a\s+|an\s+)?(?:([\p{L}-]+)\s+)?([\p{L}-]+)\s+of\b/iu;

/** Words that pick one of several ("the first …", "the largest …"): the question is about that one. */
const SELECTING =
  /^(?:first|second|third|fourth|fifth|last|next|previous|only|main|biggest|largest|smallest|oldest|youngest|newest|highest|lowest|tallest|longest|shortest|richest|poorest|fastest|slowest|deadliest|best|worst|most|least|\w+est)$/i;

const NAME_TOKEN = /^(?:\p{Lu}[\p{L}\p{M}'’.-]*|\p{N}[\p{L}\p{N},.]*)$/u;

/** Which words of the question are written as names (capitalised after the first word, acronyms, numbers). */
function nameWords(question: string): Set<string> {
  const names = new Set<string>();
  const tokens = question.split(/[\s"“”‘’()?!,:;]+/).filter(Boolean);
  tokens.forEach((token, i) => {
    const isAcronym = /^\p{Lu}{2,}$/u.test(token.replace(/\./g, ''));
    if ((i > 0 && NAME_TOKEN.test(token)) || isAcronym || /^\p{N}/u.test(token)) {
      for (const word of queryTerms(token)) names.add(word);
    }
  });
  return names;
}

/** The noun right after "which", "what" or "how many", skipping names and describing words. */
/** Measure words that name no attribute an article would use: "the number of reservations" is written "97,000 reservations". */
const MEASURE_WORDS = new Set([
  'number',
  'amount',
  'total',
  'figure',
  'level',
  'name',
  'date',
  'percentage',
  'proportion',
  'share',
  'rate',
  'value',
  'size',
  'count',
  'sum',
  'latest',
  'result',
  'outcome',
  'status',
  'state',
  'kind',
  'type',
  'part',
]);

function requiredOf(question: string, names: Set<string>): string[] {
  const copular = COPULAR.exec(question.trim());
  const head = copular?.[2]?.toLowerCase();
  if (!head || names.has(head) || queryTerms(head).length === 0) return [];
  const modifier = copular?.[1]?.toLowerCase();
  const selecting = modifier && SELECTING.test(modifier) && queryTerms(modifier).length > 0 ? [stem(modifier)] : [];
  return [...(MEASURE_WORDS.has(head) ? [] : [stem(head)]), ...selecting];
}

function focusOf(question: string, names: Set<string>): string | null {
  const trigger = TRIGGER.exec(question);
  if (!trigger) return null;
  const words =
    question
      .slice(trigger.index + trigger[0].length)
      .toLowerCase()
      .match(/[\p{L}\p{N}'’-]+/gu) ?? [];
  let focus: string | null = null;
  for (const word of words.slice(0, 4)) {
    if (PHRASE_END.has(word)) break;
    if (!names.has(word)) focus = word;
  }
  return focus ? stem(focus) : null;
}

export function analyzeQuestion(question: string): QuestionAnalysis {
  const lower = question.toLowerCase().trim();
  const type = KIND_WORDS.find((k) => k.pattern.test(lower))?.type ?? 'other';
  const names = nameWords(question);
  // "how large", "how long": the adjective belongs to the question word, not to what is asked about.
  const content = question.replace(/\bhow\s+\w+/i, ' ');
  const terms = queryTerms(content).map((word) => {
    const name = names.has(word) && /\p{L}/u.test(word);
    return { word, stem: name ? `${nameKey(word)}|${stem(word)}` : stem(word), name: names.has(word) };
  });
  const required = requiredOf(question, names);
  return { type, focus: focusOf(question, names) ?? required[0] ?? null, required, terms, measure: measureOf(lower) };
}
