/*
 * Every weight and bar that scores text while answering, in one place, each with what it trades off.
 * After changing one, re-run `npm run bench:news` (its `dev` half is what they were tuned on) and
 * `npm run bench:answers`. How stories are ranked before passages (keyword, dense, recency) is
 * retrieval's business: STORY_WEIGHTS and RECENCY in src/retrieval/stories.ts.
 */

/** Whether the passages found hold an answer at all, before anything is written (relevance.ts). */
export const RELEVANCE = {
  /**
   * Share of a question's weighted words that one passage (with its headline) must hold for extract mode
   * to answer from it. Higher refuses more unanswerable questions and more answerable ones too.
   */
  extractBar: 0.5,
  /**
   * Before calling a model the bar is lower: the model judges paraphrase far better than word overlap
   * and says NOT_IN_ARTICLES itself; only questions nothing in the archive touches stop here.
   */
  modelBar: 0.3,
  /**
   * A word that occurs in the archive weighs its inverse document frequency (BM25's), never less than
   * this: in a small archive a story's own subject occurs in every passage, yet still matters.
   */
  minPresentWeight: 0.5,
  /**
   * A word the archive never uses weighs this share of the typical weight of the question's other
   * words: "urge" or "currently" missing from a small archive says little (the article may say
   * "called on", "now"), so absent ordinary words must not decide.
   */
  absentWordShare: 0.5,
  /**
   * A name (or number) the archive never mentions, or the very thing the question asks about ("the
   * population of …"), weighs this multiple of the heaviest word present: a question about "Australia"
   * or "the Mona Lisa" over an archive that never names them is not answered by it, however many of its
   * other words match.
   */
  absentNameFactor: 1.5,
  /**
   * A word whose weight (inverse document frequency) is below this occurs in more than about 5 % of the
   * archive's passages: a common word. A question that shares only one such word with the passages, and
   * no name ("What is the capital of Australia?" over "the Turkish capital Ankara"), is refused before
   * any model call, as is one sharing a single ordinary word while naming something they never mention.
   * In an archive of a few stories every word is common by this measure; then only the second test counts,
   * since the question's unmatched words must still outweigh the shared one (see relevance.ts).
   */
  commonWordIdf: 3,
} as const;

/*
 * Extract mode picks the sentences that answer a question (extractive.ts). Each candidate sentence is
 * scored on: how much of the question it holds itself, and read with its headline (and, when it opens
 * with "He", "The …", with the sentence before it, which names who or what it means); whether it holds
 * the kind of answer asked for (ANSWER_SHAPE); whether it is about the question's named subject; and
 * whether it is the story's lede, where news puts its essentials. These weights say how much each counts.
 */
export const EXTRACT_WEIGHTS = {
  /** Question weight held by the sentence itself, each word weighed by how specific it is within its story. */
  own: 1,
  /**
   * Within a story, question words its headline (and, for later sentences, its lede) already hold count
   * this much toward a sentence's own share: they say which story, not which detail was asked.
   */
  frame: 0.4,
  /** Question weight held by the sentence with its headline and previous sentence. */
  context: 0.5,
  /** Holding an answer of the asked-for kind (0–1, ANSWER_SHAPE). */
  shape: 0.45,
  /** Being the story's first sentence. */
  lede: 0.15,
  /** Coming from the best-ranked story (divided by the story's rank). */
  storyRank: 0.08,
  /** Below this share of the question's names, a sentence is about another subject: its score is scaled down. */
  subjectFloor: 0.35,
  /**
   * A sentence about another subject keeps this share of its score, plus its share of the question's
   * names: lower lets a sentence that names the subject only through context lose to one that names it.
   */
  offSubjectKeep: 0.5,
  /** Further sentences are quoted only when they score at least this share of the best one. */
  runnerUp: 0.8,
  /**
   * Least share of the question a sentence (with its context) must hold to be quoted. Lower than the
   * passage-level bar (RELEVANCE.extractBar), which has already decided that the story answers the
   * question: a single sentence rarely repeats all of it.
   */
  sentenceCoverage: 0.35,
} as const;

/**
 * How well a sentence fits the kind of answer asked for (answer-shape.ts), between 0 (holds none: no
 * number for "how many") and 1 (holds one, next to the asked-about noun where there is one).
 */
export const ANSWER_SHAPE = {
  /** Holds the kind asked for, but not where expected: a number away from the counted noun, a place after no "in"/"at". */
  misplaced: 0.6,
  /** A number, but not of the kind of quantity asked for: "7:30 p.m." for "how long", "$4 million" for "how often". */
  otherMeasure: 0.3,
  /** "Why" answered by a sentence naming no cause, "what did X say" by one reporting no speech: weak, yet possible. */
  weakHint: 0.2,
  /** The question's kind is not recognised: the shape neither helps nor hurts. */
  unknownKind: 0.5,
  /** "Which X": the sentence names the X. */
  thingFocus: 0.5,
  /** "Which X": the sentence holds a name or quoted title the question does not. */
  thingNewName: 0.5,
  /** "Which X": the sentence holds nothing new: it can hardly say which. */
  thingNothingNew: 0.1,
} as const;

/**
 * Whether a cited passage supports the model's sentence (support.ts). Calibrated on 49 hand-written
 * paraphrases of the benchmark's answer sentences (test/fixtures/paraphrases.json, checked in
 * test/answering.test.ts).
 */
export const CLAIM_SUPPORT = {
  /**
   * Share of a sentence's key terms (stems of its meaningful words, figures aside) that must occur in
   * the cited passage with its headline and byline. Every honest paraphrase scores at least 0.50
   * against the passage holding its answer, while 1.6 % of (claim, passage of another story) pairs
   * reach 0.45 (3.1 % at 0.40, 0.5 % at 0.60, where one honest paraphrase is lost).
   */
  claimTermCoverage: 0.45,
  /**
   * When a sentence cites several passages, each may carry only a part of it ("reopened after 374
   * days [1] at a cost of $27.3 million [2]"). A passage below claimTermCoverage is then kept if it
   * holds at least this share of the key terms and adds a term or figure that the better matching
   * cited passages lack, and provided the kept passages together reach claimTermCoverage. A passage
   * that adds nothing is a citation of something else.
   */
  partTermCoverage: 0.25,
} as const;

/** Which sentences of a cited passage become the excerpt (verify.ts). */
export const EXCERPT = {
  /**
   * A claim often spans two sentences of the source ("… said. She added …"): the next sentence joins
   * the excerpt when it matches the claim at least this share as well as the best one. Lower gives
   * longer excerpts; higher, excerpts that may miss half of what the sentence says.
   */
  nextSentenceShare: 0.75,
} as const;

/** Extract-mode summaries of one article (summary-sentences.ts). */
export const SUMMARY_WEIGHTS = {
  /** Two sentences sharing more than this (cosine of word counts) say the same thing: only one is kept. */
  samePoint: 0.6,
  /** A bullet holding a figure gains this much centrality: bullets are the story's points of fact. */
  figureBonus: 0.1,
  /** A bullet naming someone or something gains this much (less than a figure, which is rarer). */
  nameBonus: 0.05,
} as const;
