import { UserError } from '../errors.ts';
import { silentLogger } from '../log.ts';
import type { ChatMessage, LlmClient, TokenUsage } from '../llm/types.ts';
import { messages } from '../messages/answers.ts';
import type { Passage } from '../retrieval/passage.ts';
import type { ChunkRecord, StoredArticle } from '../store/types.ts';
import { countLlmTokens } from '../text/llm-tokens.ts';
import { bodyFrom, citeSentences } from './cite.ts';
import { verifyReply } from './verify.ts';
import { addUsage, generate, LENGTH_INSTRUCTIONS, MAX_SUMMARY_TOKENS, type Generated } from './model.ts';
import { formatPassage } from './prompt-passages.ts';
import { resolveArticle } from './resolve.ts';
import { articleRef, Stopwatch, summaryResult, type Outcome } from './result.ts';
import { extractSummaryText, keySentences } from './summary-sentences.ts';
import type { AnswererDeps, SummarizeRequest, SummaryLength, SummaryResult } from './types.ts';
import { withoutInstructions } from './untrusted.ts';
import { cpuTurn } from '../threads/cpu-turns.ts';

/*
 * Summarizing one stored article, step by step:
 *   find the article → its passages → generate (model; map-reduce when long) or extract → verify citations → build result.
 */

export async function summarizeArticle(deps: AnswererDeps, request: SummarizeRequest): Promise<SummaryResult> {
  const stopwatch = new Stopwatch();
  const asOf = request.asOf ?? (deps.now?.() ?? new Date()).toISOString().slice(0, 10);
  await cpuTurn();
  const article = resolveArticle(deps.library.catalog, request.article, request.collections);
  if (article.published && article.published.slice(0, 10) > asOf) {
    throw new UserError(messages.articleAfterAsOf(article.title, article.published, asOf));
  }
  const screened = withoutInstructions(
    deps.library.catalog,
    deps.library.catalog.chunksOfArticle(article.collection, article.articleId).map(toPassage),
  );
  stopwatch.retrieved();
  const outcome = await summarize(deps, article, screened.passages, request, asOf);
  if (screened.withheld > 0) outcome.notices.push(messages.instructionsWithheld(screened.withheld));
  const about = {
    article: articleRef(article),
    topic: null,
    length: request.length,
    time: { asOf, window: null, recency: 'recent' as const },
  };
  return summaryResult(outcome, about, stopwatch);
}

function toPassage(r: ChunkRecord): Passage {
  return { ...r, score: 0, denseRank: null, keywordRank: null, similarity: null };
}

/** The model's checked summary, or the article's key sentences when there is no model or it fails. */
async function summarize(
  deps: AnswererDeps,
  article: StoredArticle,
  passages: Passage[],
  request: SummarizeRequest,
  today: string,
): Promise<Outcome> {
  const notices: string[] = [];
  const bodyOf = bodyFrom(deps.library.catalog);
  if (deps.llm) {
    const model = new ArticleSummarizer(deps, deps.llm, article, today);
    const generated = await model.summarize(passages, request.length, request.onText);
    if (generated.ok) {
      await cpuTurn();
      return verifyReply(generated.reply, passages, notices, bodyOf);
    }
    notices.push(generated.reason);
  }
  const { text, citations } = citeSentences(keySentences(passages, request.length), bodyOf);
  return {
    kind: 'grounded',
    mode: 'extractive',
    text: extractSummaryText(text, request.length),
    citations,
    passages,
    notices,
    reply: null,
  };
}

/** The model's summary of one article: one prompt when it fits the context budget, else map-reduce. */
class ArticleSummarizer {
  private readonly header: { title: string; published: string; byline: string; today: string };

  private readonly deps: AnswererDeps;
  private readonly llm: LlmClient;
  private readonly article: StoredArticle;
  private readonly today: string;

  constructor(deps: AnswererDeps, llm: LlmClient, article: StoredArticle, today: string) {
    this.deps = deps;
    this.llm = llm;
    this.article = article;
    this.today = today;
    this.header = {
      title: article.title,
      published: article.published?.slice(0, 10) ?? 'date not recorded',
      byline: article.byline ?? 'not credited',
      today,
    };
  }

  async summarize(passages: readonly Passage[], length: SummaryLength, onText?: (delta: string) => void): Promise<Generated> {
    const formatted = passages.map((p, i) => formatPassage(i + 1, p));
    const groups = groupWithinBudget(formatted, this.deps.options.contextTokens);
    if (groups.length === 1) {
      const prompt = this.deps.prompts.render('summarize', {
        ...this.header,
        length_instructions: LENGTH_INSTRUCTIONS[length],
        passages: formatted.join('\n\n'),
      });
      return this.ask(prompt, onText);
    }
    return this.inParts(groups, length, onText);
  }

  /** Map-reduce: notes per group of passages (keeping the article-wide passage numbers), then one merged summary. */
  private async inParts(groups: readonly string[][], length: SummaryLength, onText?: (delta: string) => void): Promise<Generated> {
    let usage: TokenUsage | null = null;
    let ms = 0;
    const notes: string[] = [];
    for (const group of groups) {
      const generated = await this.ask(
        this.deps.prompts.render('summarize', {
          ...this.header,
          length_instructions: LENGTH_INSTRUCTIONS.bullets,
          passages: group.join('\n\n'),
        }),
      );
      if (!generated.ok) return generated;
      usage = addUsage(usage, generated.reply.usage);
      ms += generated.reply.ms;
      notes.push(generated.reply.text.trim());
    }
    const merged = await this.ask(
      this.deps.prompts.render('summarize-reduce', {
        title: this.article.title,
        length_instructions: LENGTH_INSTRUCTIONS[length],
        notes: notes.join('\n\n'),
        today: this.today,
      }),
      onText,
    );
    if (!merged.ok) return merged;
    return { ok: true, reply: { ...merged.reply, usage: addUsage(usage, merged.reply.usage), ms: ms + merged.reply.ms } };
  }

  private ask(prompt: ChatMessage[], onText?: (delta: string) => void): Promise<Generated> {
    return generate(this.llm, this.deps.logger ?? silentLogger, { messages: prompt, maxTokens: MAX_SUMMARY_TOKENS, onText });
  }
}

/** Consecutive formatted passages grouped so that each group fits `budget` tokens (a group holds at least one). */
function groupWithinBudget(formatted: readonly string[], budget: number): string[][] {
  const groups: string[][] = [[]];
  let used = 0;
  for (const text of formatted) {
    const cost = countLlmTokens(text) + 1;
    if (used + cost > budget && (groups.at(-1) as string[]).length > 0) {
      groups.push([]);
      used = 0;
    }
    (groups.at(-1) as string[]).push(text);
    used += cost;
  }
  return groups;
}
