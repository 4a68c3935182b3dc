import { EmbeddingServerError } from './errors.ts';
import { APIError, OpenAI } from 'openai';
import { classifyFailure } from '../llm/failure.ts';
import { retrying, type RetryPolicy } from '../llm/retry.ts';
import { Semaphore } from '../llm/semaphore.ts';
import type { LlmError } from '../llm/types.ts';
import { embeddingServerMessages as say } from '../messages/embedding-server.ts';

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
  /**
   * How vectors are asked for: `base64` (default; float32 bytes, far cheaper to read than JSON
   * numbers) or `float`. A server that ignores the request and sends numbers is read all the same.
   */
  encoding?: 'base64' | 'float';
}

/** What one request returned: a vector per text, in order (not yet checked for length or values), and the model named. */
export interface ServerReply {
  vectors: ArrayLike<unknown>[];
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
  #encoding: 'base64' | 'float';

  constructor(options: EmbeddingServerOptions) {
    this.label = serverLabel(options.url);
    this.model = options.model;
    this.#timeoutMs = options.timeoutMs;
    this.#apiKey = options.apiKey ?? '';
    this.#encoding = options.encoding ?? 'base64';
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
      return { ok: true as const, ...readReply(await this.#request(texts, signal), texts.length, this.label) };
    } catch (error) {
      if (error instanceof EmbeddingServerError) throw error;
      return {
        ok: false as const,
        ...classifyFailure(error, { aborted: signal?.aborted === true, delivered: false, timeoutMs: this.#timeoutMs }),
      };
    } finally {
      release();
    }
  }

  /** One request; a server refusing base64 (400/422) is asked again for numbers, and from then on. */
  async #request(texts: string[], signal: AbortSignal | undefined): Promise<OpenAI.CreateEmbeddingResponse> {
    const send = (encoding: 'base64' | 'float') =>
      this.#openai.embeddings.create(
        // Named explicitly, so that the client hands the reply over as sent and readReply decodes it.
        { model: this.model, input: texts, encoding_format: encoding },
        { timeout: this.#timeoutMs, ...(signal ? { signal } : {}) },
      );
    const encoding = this.#encoding;
    try {
      return await send(encoding);
    } catch (error) {
      const status: unknown = error instanceof APIError ? error.status : undefined;
      if (encoding !== 'base64' || (status !== 400 && status !== 422)) throw error;
      this.#encoding = 'float';
      return await send('float');
    }
  }

  #describe(error: LlmError, attempts: number): string {
    const scrubbed = this.#apiKey.length >= 8 ? error.message.split(this.#apiKey).join('[api key]') : error.message;
    // The openai client starts its messages with the status already ("500 Internal error").
    const status = error.status === undefined ? '' : `HTTP ${error.status}: `;
    const detail = error.status === undefined ? scrubbed : scrubbed.replace(new RegExp(`^${error.status} `), '');
    const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
    return say.httpError(`${status}${detail}${tries}`);
  }
}

/** The vectors in input order, or EmbeddingServerError when the reply does not hold one per text. */
function readReply(response: OpenAI.CreateEmbeddingResponse, sent: number, label: string): ServerReply {
  const data = Array.isArray(response.data) ? response.data : [];
  if (data.length !== sent) throw new EmbeddingServerError(label, say.fewerVectors(data.length, sent));
  const vectors = new Array<ArrayLike<unknown>>(sent);
  data.forEach((item, position) => {
    // `index` says which text a vector is for; a server that leaves it out answers in order.
    const index = typeof item.index === 'number' ? item.index : position;
    if (!Number.isInteger(index) || index < 0 || index >= sent || vectors[index] !== undefined) {
      throw new EmbeddingServerError(label, say.badIndex(item.index, sent));
    }
    vectors[index] = decode(item.embedding);
  });
  return { vectors, model: typeof response.model === 'string' ? response.model : '' };
}

/** A vector as sent: JSON numbers, or base64 of little-endian float32s; anything else reads as empty. */
function decode(embedding: unknown): ArrayLike<unknown> {
  if (Array.isArray(embedding)) return embedding as unknown[];
  if (typeof embedding !== 'string') return [];
  const bytes = Buffer.from(embedding, 'base64');
  // A length that is not whole float32s cannot be a vector: reported as a wrong length.
  if (bytes.length % 4 !== 0) return new Array<unknown>(Math.floor(bytes.length / 4)).fill(undefined);
  const floats = new Float32Array(bytes.length / 4);
  for (let i = 0; i < floats.length; i++) floats[i] = bytes.readFloatLE(i * 4);
  return floats;
}
