import { stemmer } from 'stemmer';

/** Words too common to help a keyword search; dropped unless the query has nothing else. */
const STOPWORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but by
  can could did do does doing down during each few for from further had has have having he her here hers herself him
  himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other
  our ours out over own same she should so some such than that the their theirs them then there these they this those
  through to too under until up very was we were what when where which while who whom why will with would you your
  yours tell says said know many much did does get gets got getting make makes made take takes took give gives gave go goes
  went come comes came put puts become becomes became`.split(/\s+/),
);

const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu;
const MAX_TERMS = 32;

/** The distinct words of a text, lower-cased, stopwords dropped when others remain. */
function meaningfulWords(text: string): string[] {
  const words = [...new Set(text.normalize('NFKC').toLowerCase().match(WORD) ?? [])];
  const meaningful = words.filter((w) => !STOPWORDS.has(w));
  return meaningful.length > 0 ? meaningful : words;
}

/** The distinct searchable words of a query (at most MAX_TERMS), lower-cased, stopwords dropped when others remain. */
export function queryTerms(query: string): string[] {
  return meaningfulWords(query).slice(0, MAX_TERMS);
}

/**
 * An FTS5 MATCH expression that treats every user word as a literal: each term is quoted, so
 * FTS5 syntax in a query (`"`, `*`, `NEAR(`, `OR`, `-`, `:`) is searched for, never executed.
 * Returns null when the query has no words at all.
 */
export function toFtsQuery(query: string): string | null {
  const terms = queryTerms(query);
  if (terms.length === 0) return null;
  return terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(' OR ');
}

/**
 * The Porter stem of a word: the same algorithm as the keyword index's FTS5 `porter` tokenizer, so
 * every check of words against passages matches them exactly as search does ("invade"/"invaded").
 */
export function stem(word: string): string {
  const known = stems.get(word);
  if (known !== undefined) return known;
  if (stems.size >= STEMS_KEPT) stems.clear();
  const stemmed = stemmer(word.toLowerCase().replace(/['’]s$/, ''));
  stems.set(word, stemmed);
  return stemmed;
}

/** Stems already worked out: answer checks stem the same passage words for every sentence. */
const stems = new Map<string, string>();
/** Past this many words the memo starts afresh, so it never grows with the archive's vocabulary. */
const STEMS_KEPT = 50_000;

/** Endings that make a people or language of a place's name ("Esterran", "Iraqi", "Turkish", "Chinese"). */
const DEMONYM_ENDINGS = ['ians', 'ian', 'ans', 'an', 'ese', 'ish', 'is', 'ey', 'i', 'a', 'e', 's'];

/**
 * The shared root of a name's forms, so "Esterra" and "Esterran", "Iraq" and "Iraqi", "America" and
 * "American", "Turkey" and "Turkish" match, marked with "~" so it never meets an ordinary stem.
 */
export function nameKey(word: string): string {
  const base = word.toLowerCase().replace(/['’]s$/, '');
  const ending = DEMONYM_ENDINGS.find((e) => base.endsWith(e) && base.length - e.length >= 4);
  return `~${ending ? base.slice(0, -ending.length) : base}`;
}

/**
 * The stems of a text's meaningful words (stopwords dropped), plus the name key of every capitalised
 * word (see nameKey).
 */
export function contentStems(text: string): Set<string> {
  const stems = new Set(meaningfulWords(text).map(stem));
  for (const [word] of text.normalize('NFKC').matchAll(CAPITALISED)) {
    if (!STOPWORDS.has(word.toLowerCase())) stems.add(nameKey(word));
  }
  return stems;
}

const CAPITALISED = /\p{Lu}[\p{L}\p{M}\p{N}]*/gu;
