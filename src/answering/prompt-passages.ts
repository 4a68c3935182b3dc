import { dayOf } from '../messages/format.ts';
import type { Passage } from '../retrieval/passage.ts';
import { countLlmTokens } from '../text/llm-tokens.ts';
import { defuseMarkers } from '../text/markers.ts';

/** The delimiter words of the prompt; article text must never be able to close a passage early. */
const DELIMITER = /<\s*\/?\s*(passages?|conversation)\b[^>]*>/gi;

/**
 * Article text as prompt data: it can neither close a passage block early nor pose as a passage
 * number (an article's own "[7]" is shown as "［7］", which quote checks treat as equal).
 */
function asData(text: string): string {
  return defuseMarkers(text.replace(DELIMITER, (tag) => tag.replace('<', '‹').replace('>', '›')));
}

/** One passage as the model sees it: its number, headline, date and byline, then the text. */
export function formatPassage(number: number, p: Passage): string {
  const meta = [`"${asData(p.title)}"`, `published ${dayOf(p.published)}`, p.byline ? `by ${asData(p.byline)}` : null]
    .filter(Boolean)
    .join(', ');
  return `<passage id="${number}">\n[${number}] ${meta}\n${asData(p.text)}\n</passage>`;
}

/**
 * Keeps passages, best first, while their formatted size fits `budgetTokens` (counted with a
 * real tokenizer). Always keeps at least the first passage.
 */
export function packPassages(passages: readonly Passage[], budgetTokens: number): Passage[] {
  const kept: Passage[] = [];
  let used = 0;
  for (const p of passages) {
    const cost = countLlmTokens(formatPassage(kept.length + 1, p)) + 1;
    if (kept.length > 0 && used + cost > budgetTokens) continue;
    kept.push(p);
    used += cost;
  }
  return kept;
}

/** The passages as the prompt's `passages` block, numbered from 1. */
export function numberedPassages(passages: readonly Passage[]): string {
  return passages.map((p, i) => formatPassage(i + 1, p)).join('\n\n');
}
