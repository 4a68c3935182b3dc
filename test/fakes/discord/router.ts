import type { IncomingHttpHeaders } from 'node:http';
import type { Reply } from './http-body.ts';
import type { RecordedFile } from './recorder.ts';

export interface RouteContext {
  method: string;
  /** Decoded path without the `/api/v10` prefix. */
  route: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  files: RecordedFile[];
}

export type RouteHandler = (context: RouteContext) => Reply | Promise<Reply>;

interface Route {
  method: string;
  segments: string[];
  handler: RouteHandler;
}

/** Matches `/webhooks/:app/:token/messages/:message`-style patterns against decoded paths. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: RouteHandler): this {
    this.routes.push({ method, segments: splitPath(pattern), handler });
    return this;
  }

  match(method: string, route: string): { handler: RouteHandler; params: Record<string, string> } | null {
    const segments = splitPath(route);
    for (const candidate of this.routes) {
      if (candidate.method !== method) continue;
      const params = matchSegments(candidate.segments, segments);
      if (params) return { handler: candidate.handler, params };
    }
    return null;
  }
}

export function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

/** `:name` captures one segment, `*` matches one segment, anything else must be equal. */
export function matchSegments(pattern: string[], actual: string[]): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (const [index, expected] of pattern.entries()) {
    const segment = actual[index] ?? '';
    if (expected.startsWith(':')) params[expected.slice(1)] = segment;
    else if (expected !== '*' && expected !== segment) return null;
  }
  return params;
}
