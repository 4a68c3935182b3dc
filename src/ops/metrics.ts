import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LlmErrorKind, LlmResult } from '../llm/types.ts';

/**
 * The operator's view of a running bot or console, in the Prometheus text format. One object is
 * made at start-up (only when HTTP_PORT is set) and handed to whatever reports events; nothing
 * reaches it from a global. Its own Registry, so nothing else registered with prom-client leaks in.
 * Every metric is documented in the README ("Health and metrics").
 */

const REFUSAL_REASONS = ['rate_limited', 'busy', 'editors_only', 'dm_refused', 'warming_up', 'shutting_down'] as const;
/** Why an interaction was declined before any work was done. */
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

const INGEST_TRIGGERS = ['articles_dir', 'discord', 'feed'] as const;
/** What started an ingest. */
export type IngestTrigger = (typeof INGEST_TRIGGERS)[number];

const ANSWER_LOG_FAILURES = ['disk_full', 'damaged', 'write_failed'] as const;
/** Why an answer, vote or unanswered question could not be written to the answer log. */
export type AnswerLogFailure = (typeof ANSWER_LOG_FAILURES)[number];

const LLM_ERROR_KINDS: readonly LlmErrorKind[] = [
  'timeout',
  'rate_limited',
  'server',
  'network',
  'auth',
  'bad_request',
  'bad_response',
  'aborted',
];

/** What an answer or a summary came to, as the answerer reports it. */
export interface AnsweredResult {
  kind: string;
  mode: 'llm' | 'extractive';
  timings: { retrievalMs: number; generationMs: number; totalMs: number };
}

/** The counts an ingest reports (IngestSummary has these fields). */
export interface IngestCounts {
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  failed: number;
}

/** Read at scrape time: the library's size and the search and answer modes of the app, once it is loaded. */
export interface MetricsSource {
  /** Changes with every committed write; the counts are read again only when it changes. */
  generation(): number;
  counts(): { articles: number; chunks: number; embeddedChunks: number };
  searchMode(): 'hybrid' | 'keyword';
  answerMode(): 'llm' | 'extractive';
  /** Chunks the background embedding stores per second (0 when idle). */
  embeddingRate?(): number;
}

const SECONDS_FAST = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const SECONDS_SLOW = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120];
/** Discord fails an interaction not acknowledged within 3 s. */
const SECONDS_ACK = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5];

export interface MetricsOptions {
  /** Node's process metrics (CPU, memory, event loop lag, GC, handles), prefixed `newsroom_process_`… (default true). */
  processMetrics?: boolean;
}

export class Metrics {
  readonly registry = new Registry();
  private source: MetricsSource | null = null;
  private counted: { generation: number; counts: ReturnType<MetricsSource['counts']> } | null = null;

  private readonly answers: Counter<'command' | 'kind' | 'mode'>;
  private readonly retrieval: Histogram<'command'>;
  private readonly generation: Histogram<'command'>;
  private readonly total: Histogram<'command'>;
  private readonly refusals: Counter<'reason'>;
  private readonly acknowledgement: Histogram<'response'>;
  private readonly llmCalls: Counter<'outcome'>;
  private readonly llmFailures: Counter<'kind'>;
  private readonly llmTokens: Counter<'type'>;
  private readonly ingests: Counter<'trigger' | 'outcome'>;
  private readonly ingestedArticles: Counter<'trigger' | 'outcome'>;
  private readonly feedSyncs: Counter<'outcome'>;
  private readonly answerLogFailures: Counter<'reason'>;

  // eslint-disable-next-line max-lines-per-function -- one registration per metric, read top to bottom as the /metrics catalogue
  constructor(options: MetricsOptions = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'newsroom_' });
    const registers = [this.registry];
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> =>
      new Counter({ name, help, labelNames, registers });
    const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> =>
      new Histogram({ name, help, labelNames, buckets, registers });

    this.answers = counter(
      'newsroom_answers_total',
      'Questions (command="ask") and summaries (command="summarize") answered, by kind (answer, not_found, unsupported) and mode (llm, extractive)',
      ['command', 'kind', 'mode'],
    );
    this.retrieval = histogram(
      'newsroom_retrieval_seconds',
      'Time to find the passages of a question or summary (search, or reading the article)',
      ['command'],
      SECONDS_FAST,
    );
    this.generation = histogram(
      'newsroom_generation_seconds',
      'Time the language model took to write an answer or summary (calls that reached the model only)',
      ['command'],
      SECONDS_SLOW,
    );
    this.total = histogram(
      'newsroom_answer_seconds',
      'Time from a question or summary request to its checked result',
      ['command'],
      SECONDS_SLOW,
    );
    this.refusals = counter(
      'newsroom_refusals_total',
      'Interactions declined before any work: rate_limited, busy, editors_only, dm_refused, warming_up, shutting_down',
      ['reason'],
    );
    this.acknowledgement = histogram(
      'newsroom_discord_ack_seconds',
      "Time from a Discord interaction being created to Discord accepting the bot's first response (deferred, reply, update, modal, autocomplete)",
      ['response'],
      SECONDS_ACK,
    );
    this.llmCalls = counter(
      'newsroom_llm_calls_total',
      'Calls to the language model, retries included in one call, by outcome (ok, failed)',
      ['outcome'],
    );
    this.llmFailures = counter(
      'newsroom_llm_failures_total',
      'Failed language model calls by kind (timeout, rate_limited, server, network, auth, bad_request, bad_response, aborted)',
      ['kind'],
    );
    this.llmTokens = counter('newsroom_llm_tokens_total', 'Tokens the language model server reported, by type (prompt, completion)', [
      'type',
    ]);
    this.ingests = counter(
      'newsroom_ingests_total',
      'Ingest runs by trigger (articles_dir, discord, feed) and outcome (ok, partial: some items failed, failed: nothing loaded or the run stopped)',
      ['trigger', 'outcome'],
    );
    this.ingestedArticles = counter(
      'newsroom_ingested_articles_total',
      'Articles seen by ingests, by trigger and outcome (added, updated, unchanged, removed, failed)',
      ['trigger', 'outcome'],
    );
    this.feedSyncs = counter('newsroom_feed_syncs_total', 'Feed synchronisations by outcome', ['outcome']);
    this.answerLogFailures = counter(
      'newsroom_answer_log_write_failures_total',
      'Answer log writes that failed, by reason (disk_full, damaged, write_failed)',
      ['reason'],
    );
    this.startKnownSeriesAtZero();
  }

  /** Every known series starts at 0, so rates and alerts work before the first event. */
  private startKnownSeriesAtZero(): void {
    for (const command of ['ask', 'summarize'] as const) {
      for (const kind of ['answer', 'not_found', 'unsupported'])
        for (const mode of ['llm', 'extractive']) this.answers.inc({ command, kind, mode }, 0);
      this.retrieval.zero({ command });
      this.total.zero({ command });
    }
    for (const reason of REFUSAL_REASONS) this.refusals.inc({ reason }, 0);
    for (const outcome of ['ok', 'failed']) this.llmCalls.inc({ outcome }, 0);
    for (const kind of LLM_ERROR_KINDS) this.llmFailures.inc({ kind }, 0);
    for (const type of ['prompt', 'completion']) this.llmTokens.inc({ type }, 0);
    for (const trigger of INGEST_TRIGGERS) for (const outcome of ['ok', 'partial', 'failed']) this.ingests.inc({ trigger, outcome }, 0);
    for (const reason of ANSWER_LOG_FAILURES) this.answerLogFailures.inc({ reason }, 0);
  }

  /** Where the scrape-time gauges read from, once the app is loaded; they are absent until then. */
  watch(source: MetricsSource): void {
    if (!this.source) this.registerAppGauges();
    this.source = source;
    this.counted = null;
  }

  private registerAppGauges(): void {
    const registers = [this.registry];
    const libraryCounts = () => this.libraryCounts();
    const countGauge = (name: string, help: string, pick: (counts: ReturnType<MetricsSource['counts']>) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const counts = libraryCounts();
          if (counts) this.set(pick(counts));
        },
      });
    /** 1 for the mode in use, 0 for the other; nothing until the app is loaded. */
    const modeGauge = (name: string, help: string, modes: readonly [string, string], current: () => string | undefined) =>
      new Gauge({
        name,
        help,
        labelNames: ['mode'],
        registers,
        collect() {
          const mode = current();
          if (!mode) return;
          for (const each of modes) this.set({ mode: each }, mode === each ? 1 : 0);
        },
      });

    countGauge('newsroom_articles', 'Articles stored in the library', (counts) => counts.articles);
    countGauge('newsroom_chunks', 'Chunks (passages) stored in the library', (counts) => counts.chunks);
    countGauge(
      'newsroom_chunks_awaiting_embedding',
      'Chunks stored without an embedding (keyword-searchable only until the model embeds them)',
      (counts) => counts.chunks - counts.embeddedChunks,
    );
    const embeddingRate = () => this.source?.embeddingRate?.();
    new Gauge({
      name: 'newsroom_embedding_chunks_per_second',
      help: 'Chunks the background embedding stores per second, over the last minute (0 when nothing awaits or the model is unavailable)',
      registers,
      collect() {
        const rate = embeddingRate();
        if (rate !== undefined) this.set(rate);
      },
    });
    modeGauge(
      'newsroom_search_mode',
      'Search mode: 1 for the mode in use (hybrid: embeddings and keywords; keyword: the embedding model is unavailable)',
      ['hybrid', 'keyword'],
      () => this.source?.searchMode(),
    );
    modeGauge(
      'newsroom_answer_mode',
      'Answer mode: 1 for the mode in use (llm: a language model is configured; extractive: answers quote the articles)',
      ['llm', 'extractive'],
      () => this.source?.answerMode(),
    );
  }

  private libraryCounts(): ReturnType<MetricsSource['counts']> | null {
    const source = this.source;
    if (!source) return null;
    try {
      const generation = source.generation();
      if (this.counted?.generation !== generation) this.counted = { generation, counts: source.counts() };
      return this.counted.counts;
    } catch {
      // The library is closing (shutdown): the gauges are left out of this scrape.
      return null;
    }
  }

  /** A question (`ask`) or summary (`summarize`) answered; summaries' kind `summary` counts as `answer`. */
  answered(command: 'ask' | 'summarize', result: AnsweredResult): void {
    const kind = result.kind === 'summary' ? 'answer' : result.kind;
    this.answers.inc({ command, kind, mode: result.mode });
    this.retrieval.observe({ command }, result.timings.retrievalMs / 1000);
    if (result.timings.generationMs > 0) this.generation.observe({ command }, result.timings.generationMs / 1000);
    this.total.observe({ command }, result.timings.totalMs / 1000);
  }

  refused(reason: RefusalReason): void {
    this.refusals.inc({ reason });
  }

  /** Discord accepted the first response to an interaction `seconds` after the interaction was created. */
  acknowledged(response: string, seconds: number): void {
    this.acknowledgement.observe({ response }, Math.max(0, seconds));
  }

  /** One finished call of the LLM client (see LlmClientOptions.onCall). */
  llmCall(result: LlmResult): void {
    if (!result.ok) {
      this.llmCalls.inc({ outcome: 'failed' });
      this.llmFailures.inc({ kind: result.error.kind });
      return;
    }
    this.llmCalls.inc({ outcome: 'ok' });
    if (result.usage) {
      this.llmTokens.inc({ type: 'prompt' }, result.usage.prompt);
      this.llmTokens.inc({ type: 'completion' }, result.usage.completion);
    }
  }

  /** An ingest run finished (`counts`), or stopped with an error (null). */
  ingestFinished(trigger: IngestTrigger, counts: IngestCounts | null): void {
    if (!counts) {
      this.ingests.inc({ trigger, outcome: 'failed' });
      return;
    }
    const loaded = counts.added + counts.updated + counts.unchanged;
    const outcome = counts.failed === 0 ? 'ok' : loaded === 0 ? 'failed' : 'partial';
    this.ingests.inc({ trigger, outcome });
    for (const key of ['added', 'updated', 'unchanged', 'removed', 'failed'] as const) {
      if (counts[key] > 0) this.ingestedArticles.inc({ trigger, outcome: key }, counts[key]);
    }
  }

  /**
   * One feed synchronisation finished. `outcome` is a short word the feeds code chooses and keeps
   * stable, such as `ok`, `not_modified` or `failed`.
   */
  feedSynced(outcome: string): void {
    this.feedSyncs.inc({ outcome });
  }

  /** A write to the answer log could not be made (the answer itself was still given). */
  answerLogWriteFailed(reason: AnswerLogFailure): void {
    this.answerLogFailures.inc({ reason });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in the Prometheus text format. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
