import { parse as parseYaml } from 'yaml';
import { isRecord, readMetadata, type Metadata } from '../fields.ts';
import { markdownBlocks, type MarkdownBlock } from '../markdown-text.ts';
import { loadMessages as messages } from '../../messages/articles.ts';
import { normalizeLine } from '../normalize.ts';
import type { Result } from '../../result.ts';
import type { ArticleFields } from '../validate.ts';

const FRONT_MATTER_OPEN = /^---[ \t]*\n/;
const FRONT_MATTER_CLOSE = /^(?:---|\.\.\.)[ \t]*$/m;

/**
 * Optional YAML front matter (id, title, url, published, byline, section, tags), then a
 * Markdown body turned into plain text. Without a front-matter title the first level-1
 * heading is the title. The heading that gave the title, or a leading heading repeating
 * the front-matter title, is not kept in the body.
 */
export function parseMarkdownArticle(text: string, where: string): Result<ArticleFields> {
  const split = splitFrontMatter(text, where);
  if (!split.ok) return split;

  const blocks = markdownBlocks(split.value.body);
  const fields: ArticleFields = { ...split.value.metadata, body: '' };
  let titleBlock: MarkdownBlock | undefined;
  if (fields.title === undefined) {
    titleBlock = blocks.find((block) => block.kind === 'heading' && block.level === 1);
    if (titleBlock) fields.title = titleBlock.text;
  } else {
    const [first] = blocks;
    if (first?.kind === 'heading' && normalizeLine(first.text) === normalizeLine(fields.title)) titleBlock = first;
  }
  fields.body = blocks
    .filter((block) => block !== titleBlock)
    .map((block) => block.text)
    .join('\n\n');
  return { ok: true, value: fields };
}

type FrontMatterSplit = Result<{ metadata: Metadata; body: string }>;

function splitFrontMatter(text: string, where: string): FrontMatterSplit {
  const open = FRONT_MATTER_OPEN.exec(text);
  if (!open) return { ok: true, value: { metadata: {}, body: text } };

  const rest = text.slice(open[0].length);
  const close = FRONT_MATTER_CLOSE.exec(rest);
  if (!close) return { ok: false, error: messages.unclosedFrontMatter(where) };

  let data: unknown;
  try {
    // Failsafe schema: every value stays text, so "id: 0012" keeps its zeros and dates stay as written.
    data = parseYaml(rest.slice(0, close.index), { schema: 'failsafe', logLevel: 'error' });
  } catch (error) {
    const detail = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
    return { ok: false, error: messages.invalidFrontMatter(where, detail) };
  }
  const body = rest.slice(close.index + close[0].length);
  if (data === null || data === undefined) return { ok: true, value: { metadata: {}, body } };
  if (!isRecord(data)) return { ok: false, error: messages.frontMatterNotMapping(where) };

  const metadata = readMetadata(data, where);
  return metadata.ok ? { ok: true, value: { metadata: metadata.value, body } } : metadata;
}
