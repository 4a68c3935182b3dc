import { answerQuestion } from './ask.ts';
import { summarizeArticle } from './summarize-article.ts';
import { summarizeTopic } from './summarize-topic.ts';
import type { AnswererDeps, AnswerResult, AskRequest, SummarizeRequest, SummaryResult, TopicRequest } from './types.ts';

/*
 * Answers and summaries over the library: the logic every front end (CLI, console, Discord) shares.
 * Each is one pipeline of named steps, in its own module:
 *   ask.ts                questions: retrieve → judge relevance → generate or extract → verify → result
 *   summarize-article.ts  one article: find it → generate (map-reduce when long) or extract → verify → result
 *   summarize-topic.ts    the story so far: retrieve → relevant passages by date → generate or extract → verify → result
 * The steps they share: relevance.ts (judge relevance), model.ts (generate), extractive.ts and
 * summary-sentences.ts (extract), verify.ts (verify citations), cite.ts (excerpts as citations),
 * result.ts (build the result). Every scoring weight and bar is in weights.ts.
 */

export class Answerer {
  private readonly deps: AnswererDeps;

  constructor(deps: AnswererDeps) {
    this.deps = deps;
  }

  get mode(): 'llm' | 'extractive' {
    return this.deps.llm ? 'llm' : 'extractive';
  }

  async ask(request: AskRequest): Promise<AnswerResult> {
    return this.reported('ask', await answerQuestion(this.deps, request));
  }

  /** Summary of one stored article, found by id or by words of its title. */
  async summarize(request: SummarizeRequest): Promise<SummaryResult> {
    return this.reported('summarize', await summarizeArticle(this.deps, request));
  }

  /**
   * "The story so far": passages across the stories on a topic, in date order, always including the
   * newest relevant story, and saying as of when.
   */
  async summarizeTopic(request: TopicRequest): Promise<SummaryResult> {
    return this.reported('summarize', await summarizeTopic(this.deps, request));
  }

  private reported<R extends AnswerResult | SummaryResult>(command: 'ask' | 'summarize', result: R): R {
    this.deps.onResult?.(command, result);
    return result;
  }
}
