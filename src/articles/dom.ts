import { createRequire } from 'node:module';
import type * as Linkedom from 'linkedom';
import { checkNesting } from './nesting.ts';

/*
 * The small slice of the DOM the loaders use. linkedom ships its own classes but the
 * project compiles without the DOM lib, so its types resolve to nothing; these
 * interfaces keep the HTML code typed without pulling DOM globals into every module.
 */
export interface DomNode {
  readonly nodeType: number;
  readonly parentNode: DomNode | null;
  readonly childNodes: ArrayLike<DomNode>;
  textContent: string | null;
}

export interface DomElement extends DomNode {
  readonly localName: string;
  getAttribute(name: string): string | null;
  querySelector(selectors: string): DomElement | null;
  querySelectorAll(selectors: string): ArrayLike<DomElement>;
  closest(selectors: string): DomElement | null;
  remove(): void;
}

export interface DomDocument extends DomNode {
  readonly body: DomElement | null;
  readonly documentElement: DomElement | null;
  querySelector(selectors: string): DomElement | null;
  querySelectorAll(selectors: string): ArrayLike<DomElement>;
}

let linkedom: typeof Linkedom | undefined;
/** linkedom, read when the first page is parsed (about 0.4 s of CPU to load: most ingests hold no HTML). */
function parseHTML(html: string): ReturnType<typeof Linkedom.parseHTML> {
  linkedom ??= createRequire(import.meta.url)('linkedom') as typeof Linkedom;
  return linkedom.parseHTML(html);
}

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;

/**
 * Parses a page or a fragment into a document that always has a <body> holding the
 * content: linkedom does not invent one, and Readability reads only the body. Throws
 * NestingTooDeepError for markup nested deeper than MAX_NESTING_DEPTH, before building anything.
 */
export function parseDocument(html: string): DomDocument {
  const page = withBody(html);
  checkNesting(page);
  const parsed = parseHTML(page) as unknown as { document: DomDocument };
  return parsed.document;
}

function withBody(html: string): string {
  if (/<body[\s>]/i.test(html)) return html;
  const headEnd = html.search(/<\/head\s*>/i);
  if (headEnd >= 0) {
    const afterHead = html.indexOf('>', headEnd) + 1;
    const rest = html.slice(afterHead).replace(/<\/html\s*>\s*$/i, '');
    return `${html.slice(0, afterHead)}<body>${rest}</body></html>`;
  }
  return `<!DOCTYPE html><html><head></head><body>${html}</body></html>`;
}

export function isElement(node: DomNode): node is DomElement {
  return node.nodeType === ELEMENT_NODE;
}

export function allMatches(root: DomDocument | DomElement, selectors: string): DomElement[] {
  return Array.from(root.querySelectorAll(selectors));
}

/** The trimmed value of an attribute, or undefined when it is missing or blank. */
export function attr(element: DomElement | null, name: string): string | undefined {
  const value = element?.getAttribute(name)?.trim();
  return value ? value : undefined;
}
