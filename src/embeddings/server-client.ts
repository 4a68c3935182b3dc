import { OpenAI } from 'openai';
import { classifyFailure } from '../llm/failure.ts';
import { retrying, type RetryPolicy } from '../llm/retry.ts';
import { Semaphore } from '../llm/semaphore.ts';
import type { LlmError } from '../llm/types.ts';
import { embeddingServerMessages as say } from '../messages.ts';

export interface EmbeddingServerOptions {
  /** The server's OpenAI-compatible base URL (`…/v1`); a trailing `/embeddings` is dropped. */
  url: string;
  /** Sent as the bearer token; a placeholder when the server wants none. */
  apiKey: string | null;
  /** The model name sent in each request (the server's own id for it). */
  model: string;
  /** Per request, until the whole reply arrived. */
  timeoutMs: number;
  /** Retries after the first attempt, for 429, 5xx and dropped connections only. */
  maxRetries: number;
  /** Requests sent at once; the rest wait their turn. */
  maxConcurrent: number;
  /** A server asking to wait longer than this is not waited for (default 30 s). */
  maxRetryAfterMs?: number;
  /** First wait when a failing server names none; doubles per retry (default 500 ms). */
  backoffBaseMs?: number;
}

/**
 * The embeddings server failed or answered with something unusable. The message names the server
 * and the cause; `refused` means the server runs another model (trying again will not help).
 */
export class EmbeddingServerError extends Error {
  override readonly name = 'EmbeddingServerError';
  readonly server: string;
  readonly refused: boolean;

  constructor(server: string, cause: string, refused = false) {
    super(refused ? say.refused(server, cause) : say.failed(server, cause));
    this.server = server;
    this.refused = refused;
  }
}

/** What one request returned: a vector per text, in order (not yet checked for length or values), and the model named. */
export interface ServerReply {
  vectors: number[][];
  /** The model the server says it used; empty when it said nothing. */
  model: string;
}

/** The server as messages name it: scheme, host and path, never credentials or a query. */
export function serverLabel(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`;
}

/** The base URL the openai client wants: `http://host/v1/embeddings` → `http://host/v1`. */
export function baseUrlOf(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/embeddings$/, '');
}

/**
 * One OpenAI-compatible `/v1/embeddings` endpoint through the openai client: a request per batch,
 * at most `maxConcurrent` at once, retried only on 429/5xx/dropped connections after the wait the
 * server asks for (Retry-After), each attempt limited by `timeoutMs`.
 */
export class EmbeddingServer {
  readonly label: string;
  readonly model: string;
  readonly #openai: OpenAI;
  readonly #slots: Semaphore;
  readonly #policy: RetryPolicy;
  readonly #timeoutMs: number;
  readonly #apiKey: string;

  constructor(options: EmbeddingServerOptions) {
    this.label = serverLabel(options.url);
    this.model = options.model;
    this.#timeoutMs = options.timeoutMs;
    this.#apiKey = options.apiKey ?? '';
    this.#openai = new OpenAI({
      apiKey: this.#apiKey === '' ? 'not-needed' : this.#apiKey,
      baseURL: baseUrlOf(options.url),
      organization: null,
      project: null,
      webhookSecret: null,
      maxRetries: 0,
      timeout: options.timeoutMs,
      logLevel: 'off',
    });
    this.#slots = new Semaphore(options.maxConcurrent);
    this.#policy = {
      maxRetries: options.maxRetries,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
      backoffBaseMs: options.backoffBaseMs ?? 500,
    };
  }

  /** Vectors for `texts` (one request, retried as the policy allows); throws EmbeddingServerError. */
  async embed(texts: string[], signal?: AbortSignal): Promise<ServerReply> {
    const retried = await retrying(() => this.#attemptInTurn(texts, signal), this.#policy, signal);
    if (!retried.ok) throw new EmbeddingServerError(this.label, this.#describe(retried.error, retried.attempts));
    return { vectors: retried.vectors, model: retried.model };
  }

  async #attemptInTurn(texts: string[], signal: AbortSignal | undefined) {
    let release: () => void;
    try {
      release = await this.#slots.acquire(signal);
    } catch {
      return null;
    }
    try {
      const response = await this.#openai.embeddings.create(
        { model: this.model, input: texts, encoding_format: 'float' },
        { timeout: this.#timeoutMs, ...(signal ? { signal } : {}) },
      );
      return { ok: true as const, ...readReply(response, texts.length, this.label) };
    } catch (error) {
      if (error instanceof EmbeddingServerError) throw error;
      return { ok: false as const, ...classifyFailure(error, { aborted: signal?.aborted === true, delivered: false, timeoutMs: this.#timeoutMs }) };
    } finally {
      release();
    }
  }

  #describe(error: LlmError, attempts: number): string {
    const scrubbed = this.#apiKey.length >= 8 ? error.message.split(this.#apiKey).join('[api key]') : error.message;
    const status = error.status === undefined ? '' : `HTTP ${error.status}: `;
    const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
    return say.httpError(`${status}${scrubbed}${tries}`);
  }
}

/** The vectors in input order, or EmbeddingServerError when the reply does not hold one per text. */
function readReply(response: OpenAI.CreateEmbeddingResponse, sent: number, label: string): ServerReply {
  const data = Array.isArray(response.data) ? response.data : [];
  if (data.length !== sent) throw new EmbeddingServerError(label, say.fewerVectors(data.length, sent));
  const vectors = new Array<number[]>(sent);
  data.forEach((item, position) => {
    // `index` says which text a vector is for; a server that leaves it out answers in order.
    const index = typeof item.index === 'number' ? item.index : position;
    if (!Number.isInteger(index) || index < 0 || index >= sent || vectors[index] !== undefined) {
      throw new EmbeddingServerError(label, say.badIndex(item.index, sent));
    }
    vectors[index] = Array.isArray(item.embedding) ? item.embedding : [];
  });
  return { vectors, model: typeof response.model === 'string' ? response.model : '' };
}
