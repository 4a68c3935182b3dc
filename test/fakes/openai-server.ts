/**
 * A fake OpenAI-compatible server on 127.0.0.1 for tests: `POST /v1/chat/completions`, plain JSON or
 * SSE streaming, with scripted failures. The real openai client talks to it over HTTP.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as it reached the fake. */
export interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the raw text when it was not JSON. */
  body: ChatRequestBody;
  /** Date.now() when the request arrived. */
  arrivedAt: number;
  /** Date.now() when the first text of the reply was written (streaming: the first content chunk). */
  firstTextAt?: number;
}

/** The parts of a chat completion request the fake looks at; everything else is kept as sent. */
export interface ChatRequestBody {
  model?: string;
  messages?: { role: string; content: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  [key: string]: unknown;
}

/**
 * What the fake does with one request. Fields of a scripted reply override those of the default reply,
 * so `{ delayMs: 500 }` is "the default reply, late" and `{ finishReason: 'length' }` is "the default
 * text, cut off". When several kinds are present the first of these wins: hangUp, status, malformed, text.
 */
export interface FakeReply {
  /** Wait this long before answering (or hanging up). */
  delayMs?: number;
  /** Destroy the socket instead of answering; with `hangUpAfterChunks`, mid-stream after that many chunks. */
  hangUp?: boolean;
  hangUpAfterChunks?: number;
  /** Answer with this HTTP status and an OpenAI-style error body. */
  status?: number;
  errorMessage?: string;
  /** Retry-After header in seconds, and the retry-after-ms header OpenAI also sends. */
  retryAfter?: number;
  retryAfterMs?: number;
  /** Answer 200 with a body that is not valid JSON (or, when streaming, a broken SSE event). */
  malformed?: boolean;
  text?: string;
  finishReason?: string;
  /** Token counts to report; null reports none. Defaults to a rough count of characters / 4. */
  usage?: { prompt: number; completion: number } | null;
  /** Model name to report; defaults to the requested one. */
  model?: string;
  /** Streaming: characters per content chunk (default 4) and the pause between chunks (default 2 ms). */
  chunkSize?: number;
  intervalMs?: number;
}

export type DefaultReply = (body: ChatRequestBody) => FakeReply;

export interface FakeOpenAI {
  /** Base URL for the openai client, e.g. http://127.0.0.1:41234/v1 */
  readonly baseURL: string;
  /** Every request received, in arrival order. */
  readonly requests: Recorded[];
  /** The most requests that were open at the same moment. */
  readonly maxInFlight: number;
  /** Requests open right now. */
  readonly inFlight: number;
  /** Queues replies used in order by the next requests; after them the default applies again. */
  respondWith(...scripted: FakeReply[]): void;
  setDefault(fn: DefaultReply): void;
  close(): Promise<void>;
}

const defaultReply: DefaultReply = () => ({ text: 'This is the fake model speaking.' });

/**
 * A stand-in model that answers `sentence` citing the passage of the prompt that holds it, as a good
 * model would (passage 1 when none does), after `delayMs`.
 */
export function citingReply(sentence: string, delayMs = 0): DefaultReply {
  return (body) => {
    const prompt = (body.messages ?? []).map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
    const at = prompt.indexOf(sentence);
    const cited = at < 0 ? '1' : ([...prompt.slice(0, at).matchAll(/<passage id="(\d+)">/g)].at(-1)?.[1] ?? '1');
    return { text: `${sentence} [${cited}].`, delayMs };
  };
}

export async function startFakeOpenAI(handler: DefaultReply = defaultReply): Promise<FakeOpenAI> {
  let fallback = handler;
  const queue: FakeReply[] = [];
  const requests: Recorded[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let maxInFlight = 0;
  let completions = 0;

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const server = createServer((req, res) => {
    const arrivedAt = Date.now();
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => {
      inFlight -= 1;
    });
    void readBody(req).then(async (raw) => {
      const body = parseBody(raw);
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const record: Recorded = { method: req.method ?? 'GET', path, headers: req.headers, body, arrivedAt };
      requests.push(record);
      if (req.method !== 'POST' || path !== '/v1/chat/completions') {
        sendJson(res, 404, errorBody(`No route for ${req.method} ${path}`, 'invalid_request_error'));
        return;
      }
      const reply: FakeReply = { ...fallback(body), ...queue.shift() };
      if (reply.delayMs !== undefined && reply.delayMs > 0) await wait(reply.delayMs);
      if (res.destroyed) return;
      completions += 1;
      await answer(req, res, body, reply, `chatcmpl-fake-${completions}`, wait, record);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    get inFlight() {
      return inFlight;
    },
    respondWith(...scripted) {
      queue.push(...scripted);
    },
    setDefault(fn) {
      fallback = fn;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  body: ChatRequestBody,
  reply: FakeReply,
  id: string,
  wait: (ms: number) => Promise<void>,
  record: Recorded,
): Promise<void> {
  if (reply.hangUp === true && reply.hangUpAfterChunks === undefined) {
    req.socket.destroy();
    return;
  }
  if (reply.status !== undefined && reply.status !== 200) {
    sendError(res, reply);
    return;
  }
  if (reply.malformed === true) {
    if (body.stream === true) {
      startEventStream(res);
      res.end('data: {"id": "broken", "choices": [{"delta": {"content": "Hal\n\n');
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": "broken", "choices": [{"message": ');
    }
    return;
  }
  const text = reply.text ?? '';
  const model = reply.model ?? body.model ?? 'fake-model';
  const finishReason = reply.finishReason ?? 'stop';
  const usage = reply.usage === undefined ? estimateUsage(body, text) : reply.usage;
  const usageJson =
    usage === null
      ? null
      : { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion };
  const created = Math.floor(Date.now() / 1000);

  if (body.stream !== true) {
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: finishReason, logprobs: null }],
      ...(usageJson === null ? {} : { usage: usageJson }),
    });
    return;
  }

  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`;
  const size = Math.max(1, reply.chunkSize ?? 4);
  const interval = reply.intervalMs ?? 2;

  startEventStream(res);
  res.write(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
  let sent = 0;
  for (let at = 0; at < text.length; at += size) {
    if (reply.hangUp === true && sent === reply.hangUpAfterChunks) {
      hangUpAfterFlush(req);
      return;
    }
    if (interval > 0) await wait(interval);
    if (res.destroyed) return;
    res.write(chunk([{ index: 0, delta: { content: text.slice(at, at + size) }, finish_reason: null }]));
    record.firstTextAt ??= Date.now();
    sent += 1;
  }
  if (reply.hangUp === true) {
    hangUpAfterFlush(req);
    return;
  }
  res.write(chunk([{ index: 0, delta: {}, finish_reason: finishReason }]));
  if (body.stream_options?.include_usage === true && usageJson !== null) {
    res.write(chunk([], { usage: usageJson }));
  }
  res.end('data: [DONE]\n\n');
}

/**
 * Closes the connection mid-response. A FIN (end) rather than a reset (destroy), so the chunks already
 * written reach the client in order and the test knows exactly which text arrived before the drop.
 */
function hangUpAfterFlush(req: IncomingMessage): void {
  req.socket.end();
}

function sendError(res: ServerResponse, reply: FakeReply): void {
  const status = reply.status ?? 500;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
  if (reply.retryAfterMs !== undefined) headers['retry-after-ms'] = String(reply.retryAfterMs);
  const type = status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
  const message = reply.errorMessage ?? `Fake error ${status}`;
  res.writeHead(status, headers);
  res.end(JSON.stringify(errorBody(message, type)));
}

function startEventStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

function errorBody(message: string, type: string): unknown {
  return { error: { message, type, param: null, code: null } };
}

function estimateUsage(body: ChatRequestBody, text: string): { prompt: number; completion: number } {
  const promptChars = (body.messages ?? []).reduce((sum, message) => sum + String(message.content).length, 0);
  return { prompt: Math.ceil(promptChars / 4), completion: Math.ceil(text.length / 4) };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', () => resolve(Buffer.concat(parts).toString('utf8')));
  });
}

function parseBody(raw: string): ChatRequestBody {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as ChatRequestBody;
  } catch {
    // fall through: keep the raw text so a test can see what was sent
  }
  return { raw };
}
