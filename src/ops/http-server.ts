import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage, UserError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { startupMessages } from '../messages/startup.ts';
import type { Metrics } from './metrics.ts';
import type { Readiness } from './readiness.ts';

export interface OpsServerOptions {
  host: string;
  port: number;
  metrics: Metrics;
  readiness: Readiness;
  logger: Logger;
}

export interface OpsServer {
  /** http://host:port, for logs and tests. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Why the server could not listen: said plainly, naming the port and the variable to change. */
export class HttpListenError extends UserError {}

/** Slow or idle clients are not kept: a probe or a scrape is one short request. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The operator's HTTP endpoints, and nothing else: `GET /healthz` (alive: 200), `GET /readyz` (200
 * when ready, with what is degraded if anything; 503 with the reasons otherwise), `GET /metrics` (Prometheus text format). Anything
 * else is 404. Resolves once listening; rejects with HttpListenError when the port cannot be had.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const { metrics, readiness, logger } = options;
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error({ err: error, path: request.url }, 'http endpoint failed');
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else response.destroy();
    });
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const path = (request.url ?? '/').split('?')[0];
    if (method !== 'GET' && method !== 'HEAD') return send(response, 404, JSON_TYPE, json({ error: 'not found' }));
    switch (path) {
      case '/healthz':
        return send(response, 200, JSON_TYPE, json({ status: 'ok' }));
      case '/readyz': {
        const reasons = readiness.reasons();
        const degraded = readiness.degraded();
        const also = degraded.length > 0 ? { degraded } : {};
        return reasons.length === 0
          ? send(response, 200, JSON_TYPE, json({ ready: true, ...also }))
          : send(response, 503, JSON_TYPE, json({ ready: false, reasons, ...also }));
      }
      case '/metrics':
        return send(response, 200, metrics.contentType, await metrics.scrape());
      default:
        return send(response, 404, JSON_TYPE, json({ error: 'not found' }));
    }
  }

  await listen(server, options.host, options.port);
  const port = (server.address() as AddressInfo).port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${shownHost}:${port}`;
  logger.info({ url, endpoints: ['/healthz', '/readyz', '/metrics'] }, 'health and metrics endpoints listening');
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const JSON_TYPE = 'application/json; charset=utf-8';

function json(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(new HttpListenError(listenProblem(error, host, port), { cause: error }));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port, exclusive: true });
  });
}

function listenProblem(error: NodeJS.ErrnoException, host: string, port: number): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return startupMessages.httpPortInUse(host, port);
    case 'EACCES':
      return startupMessages.httpPortDenied(host, port);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return startupMessages.httpHostUnavailable(host, port);
    default:
      return startupMessages.httpListenFailed(host, port, errorMessage(error));
  }
}
