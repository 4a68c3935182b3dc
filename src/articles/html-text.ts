import { isElement, parseDocument, TEXT_NODE, type DomElement, type DomNode } from './dom.ts';
import { joinParagraphs } from './normalize.ts';

/*
 * HTML → plain text as paragraphs: each block (<p>, <li>, a heading, a quote…) becomes
 * its own paragraph, inline markup disappears, <br> becomes a line break.
 */

const BLOCKS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'caption',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'tfoot',
  'thead',
  'tr',
  'ul',
]);
const SKIPPED = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'math',
  'canvas',
  'iframe',
  'object',
  'embed',
  'video',
  'audio',
  'img',
  'picture',
  'source',
  'button',
  'input',
  'select',
  'textarea',
  'head',
  'title',
  'meta',
  'link',
]);
const CELLS = new Set(['td', 'th']);

/** The text of an element's content as paragraphs, in document order. */
export function elementParagraphs(root: DomElement): string[] {
  const paragraphs: string[] = [];
  let buffer = '';
  const flush = (): void => {
    const text = buffer
      .replace(/[^\S\n]+/g, ' ')
      .replace(/ ?\n ?/g, '\n')
      .trim();
    if (text !== '') paragraphs.push(text);
    buffer = '';
  };

  const visit = (node: DomNode, preformatted: boolean): void => {
    if (node.nodeType === TEXT_NODE) {
      const text = node.textContent ?? '';
      buffer += preformatted ? text : text.replace(/\s+/g, ' ');
      return;
    }
    if (!isElement(node)) return;
    const tag = node.localName.toLowerCase();
    if (SKIPPED.has(tag)) return;
    if (tag === 'br') {
      buffer += '\n';
      return;
    }
    if (CELLS.has(tag)) buffer += ' ';
    const block = BLOCKS.has(tag);
    if (block) flush();
    for (const child of Array.from(node.childNodes)) visit(child, preformatted || tag === 'pre');
    if (block) flush();
  };

  visit(root, false);
  flush();
  return paragraphs;
}

/** A CMS body that contains HTML tags, as plain text with one paragraph per block. */
export function htmlFragmentToText(html: string): string {
  const body = parseDocument(html).body;
  return body ? joinParagraphs(elementParagraphs(body)) : '';
}

/** Whether text looks like it carries HTML markup rather than prose with a stray "<". */
export function containsHtmlTags(text: string): boolean {
  return /<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>|<!--|&(?:[a-z]+|#\d+|#x[0-9a-f]+);/i.test(text);
}
