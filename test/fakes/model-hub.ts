import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * A stand-in for the Hugging Face hub on 127.0.0.1: serves the files of a models folder
 * (`<root>/<owner>/<name>/<file>`) at `/<owner>/<name>/resolve/<revision>/<file>`, as the hub
 * does, with Content-Length, single-range requests (Transformers.js asks for `bytes=0-0` to
 * learn a file's size) and 404 for a file the model lacks (401 for a model it does not have,
 * as the hub answers for a repository that does not exist).
 */
export interface ModelHubOptions {
  /** Folder of models, laid out like MODELS_DIR. */
  root: string;
  /**
   * Called before a file's body is sent; return 'send' to serve it whole, 'stall' to send the
   * headers and half the bytes and then nothing more, or 'die' to send half the bytes and then
   * close every connection and stop listening (the server going away mid-file).
   */
  onFile?: (file: string) => 'send' | 'stall' | 'die';
  /** Listen on this port (default: any free one). */
  port?: number;
}

export interface ModelHub {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** Every request path, in order (ranges included). */
  requests: string[];
  /** Resolves when a request for a file whose name ends with `suffix` has sent part of its body. */
  partSent(suffix: string): Promise<void>;
  close(): Promise<void>;
}

const RESOLVE = /^\/(.+?)\/resolve\/[^/]+\/(.+)$/;

export async function startModelHub(options: ModelHubOptions): Promise<ModelHub> {
  const requests: string[] = [];
  const waiters: { suffix: string; resolve: () => void }[] = [];
  const notifyPartSent = (file: string) => {
    for (const waiter of waiters.filter((w) => file.endsWith(w.suffix))) waiter.resolve();
  };

  const server = http.createServer((request, response) => {
    const url = decodeURIComponent(new URL(request.url ?? '/', 'http://hub').pathname);
    requests.push(`${request.method} ${url}${request.headers.range ? ` ${request.headers.range}` : ''}`);
    const match = RESOLVE.exec(url);
    if (!match) return void response.writeHead(404).end('Not found');
    const [, model = '', file = ''] = match;
    const modelDir = path.join(options.root, model);
    const target = path.join(modelDir, file);
    if (!target.startsWith(modelDir + path.sep)) return void response.writeHead(400).end();
    if (!fs.existsSync(modelDir)) return void response.writeHead(401).end('Repository not found');
    if (!fs.existsSync(target) || !fs.statSync(target).isFile()) return void response.writeHead(404).end('Entry not found');

    const bytes = fs.readFileSync(target);
    const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(Number(range[2]), bytes.length - 1);
      response.writeHead(206, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': end - start + 1,
        'Content-Range': `bytes ${start}-${end}/${bytes.length}`,
      });
      return void response.end(bytes.subarray(start, end + 1));
    }
    const action = options.onFile?.(file) ?? 'send';
    response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes.length });
    if (action === 'send') return void response.end(bytes);
    response.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => {
      notifyPartSent(file);
      if (action === 'die') {
        server.close();
        server.closeAllConnections();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    partSent: (suffix) => new Promise<void>((resolve) => waiters.push({ suffix, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        if (!server.listening) resolve();
      }),
  };
}
