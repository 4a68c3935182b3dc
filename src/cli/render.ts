import type { AnswerResult, SummaryResult } from '../answering/types.ts';
import type { Citation } from '../store/types.ts';
import { messages } from '../messages/answers.ts';
import { dayOf } from '../messages/format.ts';
import { defuseMarkers } from '../text/markers.ts';

/**
 * The sources under an answer. Only the bot's own numbers read as markers: a bracketed number in
 * a title, byline or excerpt is the article's and is shown as "［7］" (src/text/markers.ts).
 */
export function renderCitations(citations: readonly Citation[]): string {
  if (citations.length === 0) return '';
  const lines = citations.map((c) => {
    const meta = [dayOf(c.published), c.updated ? messages.updatedOn(c.published, c.updated) : null, c.byline].filter(Boolean).join(' · ');
    const url = c.url ? `\n    ${c.url}` : '';
    return `[${c.number}] ${defuseMarkers(`${c.title} (${meta})`)}${url}\n    > ${defuseMarkers(c.excerpt.replace(/\s+/g, ' '))}`;
  });
  return `Sources:\n${lines.join('\n')}`;
}

function modeLine(result: AnswerResult | SummaryResult): string {
  if (result.mode === 'extractive') return messages.extractiveMode;
  return `Written by ${result.model ?? 'the language model'} from the articles; every source was checked against the stored text.`;
}

/** Plain-text rendering for the command line and the local console. */
export function renderAnswer(result: AnswerResult): string {
  const parts: string[] = [];
  if (result.kind === 'not_found') {
    parts.push(result.text);
    if (result.closest.length > 0) {
      parts.push(
        `Closest stored articles:\n${result.closest.map((a) => `- ${defuseMarkers(a.title)} (${dayOf(a.published)}) [${a.articleId}]`).join('\n')}`,
      );
    }
  } else {
    parts.push(result.kind === 'unsupported' ? `UNSOURCED: ${result.text}` : result.text);
    if (result.asOf && result.kind === 'answer') parts.push(`As of the latest article cited: ${dayOf(result.asOf)}.`);
    const sources = renderCitations(result.citations);
    if (sources) parts.push(sources);
  }
  if (result.notices.length > 0) parts.push(result.notices.map((n) => `! ${n}`).join('\n'));
  parts.push(`(${modeLine(result)})`);
  return parts.join('\n\n');
}

export function renderSummary(result: SummaryResult): string {
  const parts: string[] = [];
  const heading = result.article
    ? `Summary of “${defuseMarkers(result.article.title)}” (${dayOf(result.article.published)})`
    : `The story so far: ${result.topic}`;
  parts.push(heading);
  parts.push(result.kind === 'unsupported' ? `UNSOURCED: ${result.text}` : result.text);
  const sources = renderCitations(result.citations);
  if (sources) parts.push(sources);
  if (result.notices.length > 0) parts.push(result.notices.map((n) => `! ${n}`).join('\n'));
  parts.push(`(${modeLine(result)})`);
  return parts.join('\n\n');
}
