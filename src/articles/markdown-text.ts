import type { Nodes, PhrasingContent, Table } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';

/*
 * Markdown (CommonMark with GitHub's tables, strikethrough, autolinks and footnotes) → blocks of
 * plain text, read by micromark. Headings, paragraphs, list items, code blocks and tables each
 * become a block; links keep their text and lose their target (a bare address stays as written);
 * emphasis markers, images, footnote marks, HTML comments and link definitions disappear; other
 * HTML is kept as written.
 */

export type MarkdownBlock = { kind: 'heading'; level: number; text: string } | { kind: 'paragraph'; text: string };

const PARSE_OPTIONS = { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] };

/**
 * Deeper indentation than this is cut back to it before parsing. A list indented one more level
 * per line grows with the square of its length, and CommonMark parsers take time for every
 * level on every line: micromark spent minutes on 3,000 levels (8.8 MB, nearly all spaces).
 * Nothing shows it: every list item is its own block however deep, and stored lines are trimmed.
 */
const MAX_INDENT = 16;
const INDENT = /^[ \t]+/gm;

const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
/** A line ending inside a paragraph (a soft break) reads as a space. */
const SOFT_BREAK = /[ \t]*\r?\n[ \t]*/g;

/** The blocks of a Markdown body (front matter already split off), in document order, blank ones left out. */
export function markdownBlocks(markdown: string): MarkdownBlock[] {
  const tree = fromMarkdown(withBoundedIndentation(markdown), PARSE_OPTIONS);
  const blocks: MarkdownBlock[] = [];
  // Depth-first, in document order, without recursion: containers may nest as deep as the file likes.
  const pending: Nodes[] = [tree];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    const block = blockOf(node);
    if (block !== null) {
      if (block.text.trim() !== '') blocks.push(block);
    } else if (isContainer(node)) {
      pushReversed(pending, listItemsNumbered(node));
    }
  }
  return blocks;
}

function withBoundedIndentation(markdown: string): string {
  return markdown.replace(INDENT, (indent) => (columns(indent) > MAX_INDENT ? ' '.repeat(MAX_INDENT) : indent));
}

/** Width of leading whitespace, tabs advancing to the next multiple of 4 as CommonMark counts them. */
function columns(indent: string): number {
  let width = 0;
  for (const char of indent) width = char === '\t' ? width + 4 - (width % 4) : width + 1;
  return width;
}

/** The block a leaf node stands for (its text may be blank); null for containers and for what is left out. */
function blockOf(node: Nodes): MarkdownBlock | null {
  switch (node.type) {
    case 'heading':
      return { kind: 'heading', level: node.depth, text: phrasingText(node.children) };
    case 'paragraph':
      return { kind: 'paragraph', text: phrasingText(node.children) };
    case 'code':
      return { kind: 'paragraph', text: node.value };
    case 'html':
      return { kind: 'paragraph', text: withoutComments(node.value).replace(SOFT_BREAK, ' ') };
    case 'table':
      return { kind: 'paragraph', text: tableText(node) };
    default:
      return null;
  }
}

type Container = Extract<Nodes, { children: unknown[] }>;

/** Nodes whose children are blocks to walk: root, block quotes, lists, list items, footnote definitions. */
function isContainer(node: Nodes): node is Container {
  return (
    node.type === 'root' ||
    node.type === 'blockquote' ||
    node.type === 'list' ||
    node.type === 'listItem' ||
    node.type === 'footnoteDefinition'
  );
}

/** A container's children; the items of an ordered list start with their number, as the list shows it. */
function listItemsNumbered(node: Container): Nodes[] {
  if (node.type !== 'list' || node.ordered !== true) return node.children;
  const start = node.start ?? 1;
  return node.children.map((item, index) => {
    const [first, ...rest] = item.children;
    if (first?.type !== 'paragraph') return item;
    const number: PhrasingContent = { type: 'text', value: `${start + index}. ` };
    return { ...item, children: [{ ...first, children: [number, ...first.children] }, ...rest] };
  });
}

/** Rows on their own lines, cells between pipes. */
function tableText(table: Table): string {
  return table.children.map((row) => `| ${row.children.map((cell) => phrasingText(cell.children)).join(' | ')} |`).join('\n');
}

/** Inline content as plain text: markers and link targets gone, images and comments dropped, hard breaks kept. */
function phrasingText(nodes: readonly PhrasingContent[]): string {
  let text = '';
  const pending: PhrasingContent[] = [];
  pushReversed(pending, nodes);
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    switch (node.type) {
      case 'text':
      case 'inlineCode':
        text += node.value.replace(SOFT_BREAK, ' ');
        break;
      case 'break':
        text += '\n';
        break;
      case 'html':
        text += withoutComments(node.value);
        break;
      case 'image':
      case 'imageReference':
      case 'footnoteReference':
        break;
      default:
        pushReversed(pending, node.children);
    }
  }
  return text;
}

/** Onto a stack, so that the first of `items` is popped first (a loop: a spread of 100,000 arguments overflows). */
function pushReversed<T>(stack: T[], items: readonly T[]): void {
  for (let index = items.length - 1; index >= 0; index -= 1) stack.push(items[index] as T);
}

function withoutComments(html: string): string {
  return html.replace(HTML_COMMENT, '');
}
