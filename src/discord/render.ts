import { escapeMarkdown, type APIEmbed } from 'discord.js';
import type { AnswerResult, Citation, SummaryResult } from '../answering/types.ts';
import { messages } from '../messages.ts';
import { discordText } from '../messages.ts';

/** Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const LIMITS = {
  description: 4096,
  embedsTotal: 6000,
  embedsPerMessage: 10,
  title: 256,
  footer: 2048,
  content: 2000,
} as const;

/** Length of an excerpt under an answer; "Show sources" gives them whole. */
const EXCERPT_PREVIEW = 280;
const COLORS = { answer: 0x2b6cb0, extract: 0x718096, warning: 0xc05621 } as const;

/** One message to send: the first edits the deferred reply, the rest are follow-ups. */
export interface OutgoingMessage {
  content?: string;
  embeds: APIEmbed[];
}

/** Shortens at a word boundary and adds an ellipsis. */
export function trimAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.search(/\s\S*$/);
  return `${(space > max * 0.5 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function date(iso: string | null): string {
  return iso ? iso.slice(0, 10) : 'undated';
}

/** "[Title](url) · 2025-03-14" with Discord markdown in the title neutralised. */
function sourceHeading(c: Citation): string {
  const title = escapeMarkdown(c.title).replace(/[[\]]/g, '\\$&');
  const linked = c.url ? `[${title}](${c.url})` : `**${title}**`;
  return `${linked} · ${date(c.published)}`;
}

/** A source as a numbered entry: heading, then the verbatim excerpt as a quote. */
export function sourceEntry(c: Citation, excerptLength: number): string {
  const excerpt = escapeMarkdown(trimAtWord(c.excerpt.replace(/\s+/g, ' '), excerptLength));
  return `**[${c.number}]** ${sourceHeading(c)}\n> ${excerpt}`;
}

/** Splits text into pieces of at most `max` characters, at paragraph, line, sentence or word ends. */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const at = [window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), window.search(/[.!?]\s[^.!?]*$/) + 1, window.lastIndexOf(' ')].find(
      (i) => i > max * 0.5,
    );
    const cut = at ?? max;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

function embedSize(e: APIEmbed): number {
  return (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.author?.name.length ?? 0);
}

/** Groups embeds into messages within Discord's per-message limits, in order. */
export function packEmbeds(embeds: APIEmbed[]): OutgoingMessage[] {
  const out: OutgoingMessage[] = [];
  let current: APIEmbed[] = [];
  let size = 0;
  for (const embed of embeds) {
    const s = embedSize(embed);
    if (current.length > 0 && (size + s > LIMITS.embedsTotal || current.length >= LIMITS.embedsPerMessage)) {
      out.push({ embeds: current });
      current = [];
      size = 0;
    }
    current.push(embed);
    size += s;
  }
  if (current.length > 0) out.push({ embeds: current });
  return out;
}

/** Source entries grouped into embed descriptions of at most 4,096 characters, each entry whole. */
function sourceEmbeds(citations: readonly Citation[], excerptLength: number): APIEmbed[] {
  const embeds: APIEmbed[] = [];
  let lines: string[] = [];
  const flush = () => {
    if (lines.length === 0) return;
    embeds.push({ title: embeds.length === 0 ? discordText.sourcesTitle : discordText.sourcesContinued, description: lines.join('\n\n'), color: COLORS.answer });
    lines = [];
  };
  for (const c of citations) {
    const entry = sourceEntry(c, excerptLength);
    if ([...lines, entry].join('\n\n').length > LIMITS.description - 100) flush();
    lines.push(entry);
  }
  flush();
  return embeds;
}

interface Renderable {
  kind: string;
  mode: 'llm' | 'extractive';
  text: string;
  citations: Citation[];
  notices: string[];
  asOf: string | null;
  model: string | null;
}

function footerFor(r: Renderable): string {
  const mode = r.mode === 'llm' ? discordText.writtenBy(r.model) : discordText.extractFooter;
  const asOf = r.asOf ? ` · ${discordText.asOf(date(r.asOf))}` : '';
  return trimAtWord(`${mode}${asOf}`, LIMITS.footer);
}

function bodyEmbeds(title: string, r: Renderable): APIEmbed[] {
  const unsupported = r.kind === 'unsupported';
  const color = unsupported ? COLORS.warning : r.mode === 'llm' ? COLORS.answer : COLORS.extract;
  const notices = r.notices.map((n) => `⚠️ ${n}`).join('\n');
  const text = `${unsupported ? `**${discordText.unsourcedLabel}**\n` : ''}${escapeMentions(r.text)}${notices ? `\n\n${notices}` : ''}`;
  return splitText(text, LIMITS.description - 96).map((description, i, all) => ({
    title: trimAtWord(i === 0 ? title : `${title} ${discordText.continued}`, LIMITS.title),
    description,
    color,
    ...(i === all.length - 1 ? { footer: { text: footerFor(r) } } : {}),
  }));
}

/** Text from a model or an article must never look like a mention, even where pings are off. */
function escapeMentions(text: string): string {
  return text.replace(/@(everyone|here)/g, '@\u200b$1');
}

/** An answer as Discord messages: the answer, then its sources with short excerpts. */
export function renderAnswer(result: AnswerResult): OutgoingMessage[] {
  if (result.kind === 'not_found') return renderNotFound(result);
  return packEmbeds([...bodyEmbeds(trimAtWord(result.question, 200), result), ...sourceEmbeds(result.citations, EXCERPT_PREVIEW)]);
}

function renderNotFound(result: AnswerResult): OutgoingMessage[] {
  const closest = result.closest.map((a) => `• ${a.url ? `[${escapeMarkdown(a.title)}](${a.url})` : escapeMarkdown(a.title)} · ${date(a.published)}`);
  const description = [
    messages.notInArticles,
    closest.length > 0 ? `${discordText.closestArticles}\n${closest.join('\n')}` : '',
    ...result.notices.map((n) => `⚠️ ${n}`),
  ]
    .filter(Boolean)
    .join('\n\n');
  return [{ embeds: [{ title: trimAtWord(result.question, 200), description: trimAtWord(description, LIMITS.description), color: COLORS.extract }] }];
}

export function renderSummary(result: SummaryResult): OutgoingMessage[] {
  const title = result.article ? discordText.summaryOf(result.article.title) : discordText.storySoFar(result.topic ?? '');
  if (result.kind === 'not_found') {
    return [{ embeds: [{ title: trimAtWord(title, LIMITS.title), description: messages.notInArticles, color: COLORS.extract }] }];
  }
  return packEmbeds([...bodyEmbeds(title, result), ...sourceEmbeds(result.citations, EXCERPT_PREVIEW)]);
}

/** Every source in full, for the "Show sources" button. */
export function renderFullSources(citations: readonly Citation[]): OutgoingMessage[] {
  if (citations.length === 0) return [{ content: discordText.noSources, embeds: [] }];
  return packEmbeds(sourceEmbeds(citations, LIMITS.description - 400));
}

/** The draft shown while the model writes (no sources yet: they come with the checked answer). */
export function renderDraft(title: string, draft: string): OutgoingMessage {
  const text = trimAtWord(escapeMentions(draft.replace(/\[\d+\]/g, '')), LIMITS.description - 50);
  return { embeds: [{ title: trimAtWord(title, 200), description: `${text} ▌`, color: COLORS.extract, footer: { text: discordText.draftFooter } }] };
}
