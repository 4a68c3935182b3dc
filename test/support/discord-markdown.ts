/**
 * How Discord would read the markdown the bot sent, close enough to check it in tests: escaped
 * characters ("\[") are shown, never parsed; what stays unescaped is markup.
 */

const ESCAPED = /\\([^A-Za-z0-9\s])/g;

/** The markup Discord parses: every escaped character replaced by a placeholder. */
export function activeMarkup(text: string): string {
  return text.replace(ESCAPED, '\u0000');
}

/** What a reader sees: escapes resolved, zero-width spaces gone. */
export function readable(text: string): string {
  return text.replace(ESCAPED, '$1').replace(/\u200b/g, '');
}

/** Masked links Discord would render as clickable: [label](url), also with <url> and nested brackets. */
export function maskedLinks(text: string): { label: string; url: string }[] {
  const links: { label: string; url: string }[] = [];
  for (const m of activeMarkup(text).matchAll(/\[((?:[^[\]]|\[[^[\]]*\])*)\]\(\s*<?([^\s)>]*)>?[^)]*\)/g)) {
    links.push({ label: m[1] ?? '', url: m[2] ?? '' });
  }
  return links;
}

const MASKED_LINK = /\[((?:[^[\]]|\[[^[\]]*\])*)\]\(\s*<?([^\s)>]*)>?[^)]*\)/g;

/**
 * Addresses Discord would link outside masked links: a scheme and "//" anywhere, even glued to a word
 * ("xhttps://…"), and <scheme:/…> in angle brackets. Discord links nothing without a scheme.
 */
export function bareLinks(text: string): string[] {
  const outsideMasked = activeMarkup(text).replace(MASKED_LINK, ' ');
  return [...outsideMasked.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^\s<]+|<[^: >]+:\/[^ >]+>/gi)].map((m) => m[0]);
}

/** Mentions and other references Discord would resolve: users, roles, channels, commands, @everyone. */
export function mentions(text: string): string[] {
  const active = activeMarkup(text);
  return [
    ...active.matchAll(/<(?:@[!&]?\d+|#\d+|\/[^:<>]+:\d+|a?:\w+:\d+|t:\d+(?::\w)?|id:\w+)>/g),
    ...active.matchAll(/@(?:everyone|here)\b/g),
  ].map((m) => m[0]);
}

/** Block markdown at a line start that the bot itself never writes: headings, subtext, code fences. */
export function blockMarkup(text: string): string[] {
  const active = activeMarkup(text);
  const listItem = String.raw`(?:(?:[-+*]|\d+[.)])[ \t]+)*`;
  const blocks = new RegExp(String.raw`^[ \t]*${listItem}(?:#{1,3}[ \t]|-#[ \t]).*$`, 'gm');
  return [...active.matchAll(blocks), ...active.matchAll(/```/g)].map((m) => m[0]);
}

/** Spoilers, and emphasis wrapped around one of the words given (the bot never emphasises those). */
export function inlineMarkup(text: string, words: readonly string[]): string[] {
  const active = activeMarkup(text);
  const found = [...active.matchAll(/\|\|/g)].map((m) => m[0]);
  for (const word of words) {
    for (const m of active.matchAll(new RegExp(`[*_~\`]+${word}|${word}[*_~\`]+`, 'g'))) found.push(m[0]);
  }
  return found;
}
