import { Agent, fetch as undiciFetch } from 'undici';
import { modelMessages } from '../messages/models.ts';

export interface HubSettings {
  /** Base URL of the hub or a mirror of it, e.g. https://huggingface.co. */
  url: string;
  /** Opening a connection (name lookup included) taking longer than this means the hub cannot be reached. */
  connectTimeoutMs?: number;
  /** Longest wait for a response's headers once connected. */
  responseTimeoutMs?: number;
  /** Longest pause while a file's bytes arrive. */
  idleTimeoutMs?: number;
}

/**
 * Node's fetch waits 10 s for a connection and 300 s for an answer: a server with no route to
 * the hub would stall every start that lacks the model. A hub that answers at all answers fast.
 */
export const HUB_TIMEOUTS = { connectMs: 3_000, responseMs: 10_000, idleMs: 30_000 } as const;

/** The hub could not be reached (no name resolution, no route, refused, or too slow to connect). */
export interface HubFailure {
  at: Date;
  /** In words, e.g. "huggingface.co could not be found (getaddrinfo ENOTFOUND huggingface.co)". */
  reason: string;
}

/** A request to the hub failed before any answer arrived; the hub is remembered as unreachable. */
export class HubUnreachableError extends Error {
  override readonly name = 'HubUnreachableError';
}

/**
 * The model hub as this process sees it: a fetch with short timeouts, for Transformers.js, and
 * the memory of having failed to reach it, so one run does not wait for the network again and
 * again (the loader gives up at once; the bot's background retry tries anyway).
 */
export class ModelHub {
  readonly url: string;
  private failure: HubFailure | null = null;
  private readonly agent: Agent;
  private readonly timeouts: { connectMs: number; responseMs: number };

  constructor(settings: HubSettings) {
    this.url = settings.url.replace(/\/+$/, '');
    this.timeouts = {
      connectMs: settings.connectTimeoutMs ?? HUB_TIMEOUTS.connectMs,
      responseMs: settings.responseTimeoutMs ?? HUB_TIMEOUTS.responseMs,
    };
    this.agent = new Agent({
      connect: { timeout: this.timeouts.connectMs },
      headersTimeout: this.timeouts.responseMs,
      bodyTimeout: settings.idleTimeoutMs ?? HUB_TIMEOUTS.idleMs,
    });
  }

  /** Why the hub could not be reached earlier in this process; null when it was reached or never tried. */
  get unreachable(): HubFailure | null {
    return this.failure;
  }

  /**
   * Transformers.js's `env.fetch`: undici with this hub's timeouts, answering with a standard
   * Response (Transformers.js caches only those). A failure to connect or to get an answer is
   * remembered and thrown as HubUnreachableError; an answer of any status clears the memory.
   */
  readonly fetch = async (
    input: string | URL,
    init?: { method?: string; headers?: ConstructorParameters<typeof Headers>[0]; signal?: AbortSignal | null },
  ): Promise<Response> => {
    let response;
    try {
      response = await undiciFetch(input, {
        method: init?.method ?? 'GET',
        headers: Object.fromEntries(new Headers(init?.headers ?? {})),
        ...(init?.signal ? { signal: init.signal } : {}),
        dispatcher: this.agent,
      });
    } catch (error) {
      const reason = describeConnectFailure(error, this.timeouts);
      this.failure = { at: new Date(), reason };
      throw new HubUnreachableError(modelMessages.hubUnreachable(this.url, reason), { cause: error });
    }
    this.failure = null;
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers: [...response.headers] });
  };
}

const hubs = new Map<string, ModelHub>();

/**
 * The process's one ModelHub for these settings: every load in a run shares what it learnt
 * about reaching the hub.
 */
export function modelHub(settings: HubSettings): ModelHub {
  const key = JSON.stringify([
    settings.url.replace(/\/+$/, ''),
    settings.connectTimeoutMs,
    settings.responseTimeoutMs,
    settings.idleTimeoutMs,
  ]);
  let hub = hubs.get(key);
  if (!hub) hubs.set(key, (hub = new ModelHub(settings)));
  return hub;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** The innermost cause of a fetch failure (undici wraps it in "fetch failed"). */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === null) break;
    current = cause;
  }
  return current;
}

/** Why a request got no answer, in words an operator recognises. */
export function describeConnectFailure(error: unknown, timeouts: { connectMs: number; responseMs: number }): string {
  const cause = rootCause(error);
  const code = errorCode(cause);
  const detail = cause instanceof Error ? (cause.message.split('\n')[0] ?? '') : String(cause);
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return modelMessages.hubNotFound(detail);
    case 'UND_ERR_CONNECT_TIMEOUT':
      return modelMessages.hubConnectTimeout(timeouts.connectMs);
    case 'UND_ERR_HEADERS_TIMEOUT':
      return modelMessages.hubNoAnswer(timeouts.responseMs);
    default:
      return modelMessages.hubConnectFailed(code ? `${detail} (${code})` : detail);
  }
}
