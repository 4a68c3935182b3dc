/*
 * Light Markdown → plain text. Not a full CommonMark renderer: enough for newsroom copy.
 * Headings become their own paragraph without the "#" markers, list items one paragraph
 * each, emphasis markers and link targets disappear, code keeps its text.
 */

export type MarkdownBlock = { kind: 'heading'; level: number; text: string } | { kind: 'paragraph'; text: string };

const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const LIST_ITEM = /^[ \t]*(?:[-*+]|(\d{1,9})[.)])[ \t]+(.*)$/;
const BLOCKQUOTE_MARKERS = /^(?: {0,3}>[ \t]?)+/;
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]]+\]:[ \t]*\S+.*$/;
// Written so that no two quantifiers can share the same spaces: "[ \t]*\|?[ \t]*" backtracks
// quadratically on a long indented line (3,000 nested list items took 27 s).
const TABLE_DELIMITER = /^[ \t]*(?:\|[ \t]*)?:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+(?:\|[ \t]*)?$/;
const HTML_COMMENT_LINE = /^[ \t]*<!--.*-->[ \t]*$/;

export function markdownBlocks(markdown: string): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [];
  let lines: string[] = [];
  let keepLineBreaks = false;
  let fence: string | undefined;

  const endParagraph = (): void => {
    if (lines.length > 0) {
      const text = keepLineBreaks ? lines.join('\n') : joinSoftBreaks(lines);
      blocks.push({ kind: 'paragraph', text: inlineToText(text) });
    }
    lines = [];
    keepLineBreaks = false;
  };

  for (const rawLine of markdown.split('\n')) {
    if (fence !== undefined) {
      if (rawLine.trimStart().startsWith(fence)) {
        blocks.push({ kind: 'paragraph', text: lines.join('\n') });
        lines = [];
        fence = undefined;
      } else {
        lines.push(rawLine);
      }
      continue;
    }

    const line = rawLine.replace(BLOCKQUOTE_MARKERS, '');
    const fenceOpen = FENCE.exec(line);
    if (fenceOpen?.[1]) {
      endParagraph();
      fence = fenceOpen[1];
      continue;
    }
    if (line.trim() === '' || HTML_COMMENT_LINE.test(line) || REFERENCE_DEFINITION.test(line)) {
      endParagraph();
      continue;
    }

    const heading = ATX_HEADING.exec(line);
    if (heading?.[1]) {
      endParagraph();
      blocks.push({ kind: 'heading', level: heading[1].length, text: inlineToText(heading[2] ?? '') });
      continue;
    }
    const underline = SETEXT_UNDERLINE.exec(line);
    if (underline?.[1] && lines.length > 0 && !keepLineBreaks) {
      blocks.push({ kind: 'heading', level: underline[1].startsWith('=') ? 1 : 2, text: inlineToText(joinSoftBreaks(lines)) });
      lines = [];
      continue;
    }
    if (THEMATIC_BREAK.test(line)) {
      endParagraph();
      continue;
    }
    if (TABLE_DELIMITER.test(line) && lines.length > 0) {
      keepLineBreaks = true;
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      endParagraph();
      lines.push(item[1] === undefined ? (item[2] ?? '') : `${item[1]}. ${item[2] ?? ''}`);
      continue;
    }
    lines.push(line);
  }
  if (fence !== undefined) blocks.push({ kind: 'paragraph', text: lines.join('\n') });
  else endParagraph();

  return blocks.filter((block) => block.text.trim() !== '');
}

/** Lines of one paragraph: a soft break is a space; two trailing spaces or a backslash keep the break. */
function joinSoftBreaks(lines: readonly string[]): string {
  let text = '';
  lines.forEach((line, index) => {
    if (index === lines.length - 1) {
      text += line.trim();
      return;
    }
    const hardBreak = / {2,}$/.test(line) || /\\$/.test(line);
    text += (hardBreak ? line.replace(/\\$/, '') : line).trim() + (hardBreak ? '\n' : ' ');
  });
  return text;
}

// Code spans and escaped characters hide behind NUL-delimited placeholders while the inline
// rules run; decoded article text never contains NUL (such files are refused as binary).
// eslint-disable-next-line no-control-regex -- NUL is the placeholder delimiter on purpose
const PLACEHOLDER = /\u0000(\d+)\u0000/g;

export function inlineToText(text: string): string {
  const protectedParts: string[] = [];
  const protect = (value: string): string => {
    protectedParts.push(value);
    return `\u0000${protectedParts.length - 1}\u0000`;
  };

  // Parenthesised link targets and autolinks stop at the next "(" or "<", so an unclosed one is
  // given up at once instead of rescanning the rest of the line (quadratic on "[a](" repeated).
  let result = text
    .replace(/(`+)([^`]|[^`].*?[^`])\1(?!`)/g, (_match, _ticks: string, code: string) => protect(code.trim()))
    .replace(/\\([\\`*_{}[\]()#+\-.!>~|<])/g, (_match, char: string) => protect(char))
    .replace(/!\[[^\]]*\]\((?:[^()\s]|\([^()]*\))*(?:\s+"[^"]*")?\)/g, '')
    .replace(/\[([^\]]+)\]\((?:[^()\s]|\([^()]*\))*(?:\s+"[^"]*")?\)/g, '$1')
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1')
    .replace(/<((?:https?|mailto):[^<>\s]+)>/gi, '$1');

  // Emphasis never spans its own opening marker, so a marker without a partner fails at the next
  // one instead of rescanning the rest of the paragraph ("*a " repeated was quadratic: 80 KB, 4 s).
  result = result
    .replace(/\*\*(?=\S)((?:[^*]|\*(?!\*))+?)(?<=\S)\*\*/g, '$1')
    .replace(/__(?=\S)((?:[^_]|_(?!_))+?)(?<=\S)__/g, '$1')
    .replace(/(?<![*\p{L}\p{N}])\*(?=\S)([^*]+?)(?<=\S)\*(?![*\p{L}\p{N}])/gu, '$1')
    .replace(/(?<![_\p{L}\p{N}])_(?=\S)([^_]+?)(?<=\S)_(?![_\p{L}\p{N}])/gu, '$1')
    .replace(/~~(?=\S)((?:[^~]|~(?!~))+?)(?<=\S)~~/g, '$1');

  return result.replace(PLACEHOLDER, (_match, index: string) => protectedParts[Number(index)] ?? '');
}
