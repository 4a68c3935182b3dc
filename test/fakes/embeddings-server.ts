/**
 * A stand-in OpenAI-compatible embeddings server on 127.0.0.1 for tests and benchmarks:
 * `POST /v1/embeddings` answered with the vectors a function computes (in tests, the real tiny
 * model), with scripted misbehaviour. The real openai client talks to it over HTTP.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the stand-in does with one request; the first present of hang, status, body wins, else vectors. */
export interface EmbeddingsReply {
  /** Wait this long before answering (the server's own latency). */
  delayMs?: number;
  /** Never answer (the connection stays open until the client gives up or the server closes). */
  hang?: boolean;
  /** Answer with this status and an OpenAI-style error body; `retryAfter` in seconds. */
  /** Undefined in a scripted reply: answer normally although the default fails. */
  status?: number | undefined;
  retryAfter?: number;
  /** Answer 200 with exactly this body (e.g. Python-style `NaN`, which is not JSON). */
  body?: string;
  /** Rewrite the vectors before sending (wrong length, another model's, null values, fewer of them). */
  transform?: (vectors: number[][]) => unknown[];
  /** Model name to report; default the requested one. */
  model?: string;
  /** Send JSON numbers even when base64 was asked for (as some servers do). */
  ignoreEncoding?: boolean;
  /** Answer 422 to a request for base64 (a server that knows only numbers). */
  refuseBase64?: boolean;
}

export interface EmbeddingsRequest {
  model: string;
  input: string[];
  encoding_format?: string;
  authorization: string | undefined;
}

export interface FakeEmbeddingsServer {
  /** Base URL for the openai client, e.g. http://127.0.0.1:41234/v1 */
  readonly url: string;
  readonly requests: EmbeddingsRequest[];
  /** The most requests open at the same moment. */
  readonly maxInFlight: number;
  /** Replies used in order by the next requests; after them the default applies again. */
  respondWith(...replies: EmbeddingsReply[]): void;
  setDefault(reply: EmbeddingsReply): void;
  close(): Promise<void>;
}

export type VectorsFor = (texts: string[]) => Promise<number[][]> | number[][];

export async function startFakeEmbeddingsServer(vectorsFor: VectorsFor): Promise<FakeEmbeddingsServer> {
  const queue: EmbeddingsReply[] = [];
  let fallback: EmbeddingsReply = {};
  const requests: EmbeddingsRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let maxInFlight = 0;
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on(
      'end',
      () =>
        void (async () => {
          if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
            send(res, 404, { error: { message: `No route for ${req.method} ${req.url}`, type: 'invalid_request_error' } });
            return;
          }
          const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as {
            model: string;
            input: string | string[];
            encoding_format?: string;
          };
          const input = Array.isArray(body.input) ? body.input : [body.input];
          requests.push({
            model: body.model,
            input,
            authorization: req.headers.authorization,
            ...(body.encoding_format ? { encoding_format: body.encoding_format } : {}),
          });
          const reply = { ...fallback, ...queue.shift() };
          if (reply.delayMs) await wait(reply.delayMs);
          if (reply.hang) return;
          if (reply.refuseBase64 && body.encoding_format === 'base64') {
            send(res, 422, { error: 'encoding_format: unknown variant `base64`, expected `float`' });
            return;
          }
          if (reply.status !== undefined) {
            const headers = reply.retryAfter === undefined ? {} : { 'retry-after': String(reply.retryAfter) };
            send(res, reply.status, { error: { message: `stand-in says ${reply.status}`, type: 'server_error' } }, headers);
            return;
          }
          if (reply.body !== undefined) {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(reply.body);
            return;
          }
          const vectors = await vectorsFor(input);
          const base64 = body.encoding_format === 'base64' && !reply.ignoreEncoding;
          const data = (reply.transform ? reply.transform(vectors) : vectors).map((embedding, index) => ({
            object: 'embedding',
            index,
            // As OpenAI and text-embeddings-inference do: little-endian float32s, NaN and Infinity included.
            embedding: base64 && isNumbers(embedding) ? Buffer.from(new Float32Array(embedding).buffer).toString('base64') : embedding,
          }));
          send(res, 200, { object: 'list', model: reply.model ?? body.model, data, usage: { prompt_tokens: 0, total_tokens: 0 } });
        })(),
    );
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    respondWith: (...replies) => void queue.push(...replies),
    setDefault: (reply) => void (fallback = reply),
    close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function isNumbers(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}
