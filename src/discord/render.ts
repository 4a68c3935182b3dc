import type { APIEmbed } from 'discord.js';
import type { AnswerResult, SummaryResult } from '../answering/types.ts';
import type { Citation } from '../store/types.ts';
import { messages } from '../messages/answers.ts';
import { discordText } from '../messages/discord.ts';
import { dayOf } from '../messages/format.ts';
import { stripMarkers } from '../text/markers.ts';
import { articleLink, joinMarkdown, md, neutralize, neutralizeWithin, splitMarkdown, trimAtWord, type Markdown } from './neutralize.ts';

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

/** What an embed shows; every text field is Markdown, so nothing reaches Discord un-neutralised. */
interface EmbedParts {
  title: Markdown;
  description?: Markdown;
  color: number;
  /** Footers show no markdown; ours only (mode, model, dates). */
  footer?: string;
}

function embed(parts: EmbedParts): APIEmbed {
  return {
    title: parts.title.toString(),
    ...(parts.description ? { description: parts.description.toString() } : {}),
    color: parts.color,
    ...(parts.footer ? { footer: { text: parts.footer } } : {}),
  };
}

/** A title from outside (a question, a headline) within the embed title limit. */
function titleOf(text: string, max: number = LIMITS.title): Markdown {
  return neutralizeWithin(text.replace(/\s+/g, ' '), max);
}

/** "[Title](url) · 2025-03-14 · updated 2025-03-15 · Byline": our link to the stored article, its title neutralised. */
function sourceHeading(c: Citation): Markdown {
  const byline = c.byline ? [md`${trimAtWord(c.byline, 100)}`] : [];
  const updated = c.updated ? [md`${messages.updatedOn(c.published, c.updated)}`] : [];
  const parts = [articleLink(trimAtWord(c.title, 200), c.url), md`${dayOf(c.published)}`, ...updated, ...byline];
  return joinMarkdown(parts, ' · ');
}

/** A source as a numbered entry: heading, then the verbatim excerpt (rendered inert) as a quote. */
export function sourceEntry(c: Citation, excerptLength: number): Markdown {
  const excerpt = neutralizeWithin(c.excerpt.replace(/\s+/g, ' '), excerptLength);
  return md`**[${c.number}]** ${sourceHeading(c)}\n> ${excerpt}`;
}

function embedSize(e: APIEmbed): number {
  return (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.author?.name.length ?? 0);
}

/** Groups embeds into messages within Discord's per-message limits, in order. */
export function packEmbeds(embeds: APIEmbed[]): OutgoingMessage[] {
  const out: OutgoingMessage[] = [];
  let current: APIEmbed[] = [];
  let size = 0;
  for (const e of embeds) {
    const s = embedSize(e);
    if (current.length > 0 && (size + s > LIMITS.embedsTotal || current.length >= LIMITS.embedsPerMessage)) {
      out.push({ embeds: current });
      current = [];
      size = 0;
    }
    current.push(e);
    size += s;
  }
  if (current.length > 0) out.push({ embeds: current });
  return out;
}

/** Source entries grouped into embed descriptions of at most 4,096 characters, each entry whole. */
function sourceEmbeds(citations: readonly Citation[], excerptLength: number): APIEmbed[] {
  const embeds: APIEmbed[] = [];
  let entries: Markdown[] = [];
  let size = 0;
  const flush = () => {
    if (entries.length === 0) return;
    const title = embeds.length === 0 ? discordText.sourcesTitle : discordText.sourcesContinued;
    embeds.push(embed({ title: md`${title}`, description: joinMarkdown(entries, '\n\n'), color: COLORS.answer }));
    entries = [];
    size = 0;
  };
  for (const c of citations) {
    const entry = sourceEntry(c, excerptLength);
    if (size + entry.length + 2 > LIMITS.description - 100) flush();
    entries.push(entry);
    size += entry.length + 2;
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
  const asOf = r.asOf ? ` · ${discordText.asOf(dayOf(r.asOf))}` : '';
  return trimAtWord(`${mode}${asOf}`, LIMITS.footer);
}

function bodyEmbeds(title: string, r: Renderable): APIEmbed[] {
  const unsupported = r.kind === 'unsupported';
  const color = unsupported ? COLORS.warning : r.mode === 'llm' ? COLORS.answer : COLORS.extract;
  // A checked answer: its [n] markers are ours (src/answering keeps article numbers out of them).
  const answer = neutralize(r.text, { markers: 'ours' });
  const parts = [
    unsupported ? md`**${discordText.unsourcedLabel}**\n${answer}` : answer,
    ...(r.notices.length > 0
      ? [
          joinMarkdown(
            r.notices.map((n) => md`⚠️ ${n}`),
            '\n',
          ),
        ]
      : []),
  ];
  const first = titleOf(title, LIMITS.title - discordText.continued.length - 1);
  return splitMarkdown(joinMarkdown(parts, '\n\n'), LIMITS.description - 96).map((description, i, all) =>
    embed({
      title: i === 0 ? first : md`${first} ${discordText.continued}`,
      description,
      color,
      ...(i === all.length - 1 ? { footer: footerFor(r) } : {}),
    }),
  );
}

/** An answer as Discord messages: the answer, then its sources with short excerpts. */
export function renderAnswer(result: AnswerResult): OutgoingMessage[] {
  if (result.kind === 'not_found') return renderNotFound(result);
  return packEmbeds([...bodyEmbeds(result.question, result), ...sourceEmbeds(result.citations, EXCERPT_PREVIEW)]);
}

function renderNotFound(result: AnswerResult): OutgoingMessage[] {
  const closest = result.closest.map((a) => md`• ${articleLink(trimAtWord(a.title, 200), a.url)} · ${dayOf(a.published)}`);
  const parts = [
    md`${messages.notInArticles}`,
    ...(closest.length > 0 ? [md`${discordText.closestArticles}\n${joinMarkdown(closest, '\n')}`] : []),
    ...result.notices.map((n) => md`⚠️ ${n}`),
  ];
  const description = splitMarkdown(joinMarkdown(parts, '\n\n'), LIMITS.description)[0] ?? md`${messages.notInArticles}`;
  return [{ embeds: [embed({ title: titleOf(result.question, 200), description, color: COLORS.extract })] }];
}

export function renderSummary(result: SummaryResult): OutgoingMessage[] {
  const title = result.article ? discordText.summaryOf(result.article.title) : discordText.storySoFar(result.topic ?? '');
  if (result.kind === 'not_found') {
    return [{ embeds: [embed({ title: titleOf(title), description: md`${messages.notInArticles}`, color: COLORS.extract })] }];
  }
  return packEmbeds([...bodyEmbeds(title, result), ...sourceEmbeds(result.citations, EXCERPT_PREVIEW)]);
}

/** Every source in full, for the "Show sources" button. */
export function renderFullSources(citations: readonly Citation[]): OutgoingMessage[] {
  if (citations.length === 0) return [{ content: md`${discordText.noSources}`.toString(), embeds: [] }];
  return packEmbeds(sourceEmbeds(citations, LIMITS.description - 400));
}

/**
 * The draft shown while the model writes: marked as a draft in its title, its unchecked text
 * rendered inert and without the model's [n] markers (sources come with the checked answer).
 */
export function renderDraft(title: string, draft: string): OutgoingMessage {
  const text = neutralizeWithin(stripMarkers(draft), LIMITS.description - 50);
  return {
    embeds: [
      embed({
        title: titleOf(discordText.draftTitle(title), 200),
        description: md`${text} ▌`,
        color: COLORS.extract,
        footer: discordText.draftFooter,
      }),
    ],
  };
}
