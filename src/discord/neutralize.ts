import { isHighSurrogate } from '../text/surrogates.ts';
import { defuseMarkers } from '../text/markers.ts';

/**
 * Discord markdown the bot composed. Text from an article, a model or a person becomes part of
 * it only through `neutralize` (directly, or as a value interpolated into `md`), which makes it
 * inert: it reads as written, but cannot form a link (masked or bare), a mention, markdown that changes
 * what a reader sees (headings, quotes, code blocks, spoilers, bold…) or a citation marker.
 * Rendering builds every embed and message from Markdown values, so no text skips the step.
 */
export class Markdown {
  private readonly source: string;

  private constructor(source: string) {
    this.source = source;
  }

  /** Markup written in this codebase. Never pass it text that came from outside. */
  static ours(source: string): Markdown {
    return new Markdown(source);
  }

  get length(): number {
    return this.source.length;
  }

  toString(): string {
    return this.source;
  }
}

const ZWSP = '\u200b';

// Inline markdown anywhere in a line: escapes, bold/italic, underline, strike, code, spoilers, links.
const INLINE = /[\\*_~`|[\]]/g;
// Block markdown at the start of a line (a fragment's start may land at one), also inside a list
// item ("- # Big"): headings, subtext, quotes. Runs after INLINE, so a "*" bullet reads "\*".
const LINE_START = /^([ \t]*(?:(?:[-+]|\\\*|\d+[.)])[ \t]+)*)(#|-#|>)/gm;
// References Discord resolves inside <…>: users, roles, channels, slash commands, emoji, timestamps, guild navigation.
const REFERENCE = /<(?=[@#/:]|a:|t:|id:)/gi;
const MASS_MENTION = /@(?=(?:everyone|here)\b)/gi;
// A scheme before "//" (https://, http://, steam://): Discord links such text wherever it stands, even
// glued to a word ("xhttps://"). An escaped colon reads the same and links nothing. Text without a
// scheme ("www.example.com", "example.com/raw") Discord never links.
const URL_SCHEME = /([a-z][a-z0-9+.-]*):(?=\/\/)/gi;
// An autolink in angle brackets, <scheme:/…>, whatever follows the "<": an escaped "<" opens nothing.
// (Its colon is escaped by URL_SCHEME by then; mentions got their zero-width space from REFERENCE.)
const AUTOLINK_OPEN = /<(?=[a-z][a-z0-9+.-]*\\?:)/gi;

export interface NeutralizeOptions {
  /**
   * 'defuse' (default): bracketed numbers are the article's own and are shown as "［7］".
   * 'ours': the text is a checked answer whose "[n]" markers the bot wrote (src/answering).
   */
  markers?: 'defuse' | 'ours';
}

/** `text` as Discord markdown that shows it as written and does nothing else. */
export function neutralize(text: string, options: NeutralizeOptions = {}): Markdown {
  const data = options.markers === 'ours' ? text : defuseMarkers(text);
  const escaped = data
    .replace(INLINE, '\\$&')
    .replace(LINE_START, '$1\\$2')
    .replace(URL_SCHEME, '$1\\:')
    .replace(REFERENCE, `<${ZWSP}`)
    .replace(AUTOLINK_OPEN, '\\<')
    .replace(MASS_MENTION, `@${ZWSP}`);
  return Markdown.ours(escaped);
}

/**
 * Composes markdown: the template's literal parts are ours; every interpolated value that is not
 * already Markdown is neutralised. md`**${title}** · ${date}`
 */
export function md(strings: TemplateStringsArray, ...values: readonly (Markdown | string | number)[]): Markdown {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += (value instanceof Markdown ? value : neutralize(String(value))).toString();
    out += strings[i + 1] ?? '';
  });
  return Markdown.ours(out);
}

export function joinMarkdown(parts: readonly Markdown[], separator: string): Markdown {
  return Markdown.ours(parts.map(String).join(separator));
}

/** An inline code span: nothing inside renders, so only a backtick could break out of it. */
export function code(text: string): Markdown {
  return Markdown.ours(`\`${text.replace(/`/g, 'ˋ').replace(/\s+/g, ' ')}\``);
}

/** An http(s) address as it can sit inside a masked link's parentheses; null for anything else. */
export function linkTarget(url: string | null): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  return parsed.href.replace(/[()<>\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Our link to a stored article: its neutralised title linked to its http(s) address, or the title in bold. */
export function articleLink(title: string, url: string | null): Markdown {
  const target = linkTarget(url);
  return target ? Markdown.ours(`[${neutralize(title)}](${target})`) : md`**${title}**`;
}

/** Shortens at a word boundary and adds an ellipsis. */
export function trimAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.search(/\s\S*$/);
  return `${(space > max * 0.5 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** `text` neutralised within `max` characters (escapes included), shortened at a word boundary if needed. */
export function neutralizeWithin(text: string, max: number, options: NeutralizeOptions = {}): Markdown {
  let budget = max;
  for (;;) {
    const out = neutralize(trimAtWord(text, budget), options);
    if (out.length <= max || budget <= 1) return out;
    budget = Math.max(1, budget - (out.length - max));
  }
}

/** Where a hard cut at `at` would not split an escape ("\[") or a UTF-16 surrogate pair. */
function safeCut(text: string, at: number): number {
  let cut = at;
  for (;;) {
    let backslashes = 0;
    while (cut - backslashes > 0 && text[cut - backslashes - 1] === '\\') backslashes++;
    const splitsPair = isHighSurrogate(text.charCodeAt(cut - 1));
    if ((backslashes % 2 === 0 && !splitsPair) || cut <= 1) return cut;
    cut--;
  }
}

/** Splits markdown into pieces of at most `max` characters, at paragraph, line, sentence or word ends. */
export function splitMarkdown(text: Markdown, max: number): Markdown[] {
  const pieces: Markdown[] = [];
  let rest = text.toString().trim();
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const at = [window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), window.search(/[.!?]\s[^.!?]*$/) + 1, window.lastIndexOf(' ')].find(
      (i) => i > max * 0.5,
    );
    const cut = at ?? safeCut(rest, max);
    pieces.push(Markdown.ours(rest.slice(0, cut).trimEnd()));
    rest = rest.slice(cut).trimStart();
  }
  if (rest) pieces.push(Markdown.ours(rest));
  return pieces;
}

/**
 * Text for places Discord shows without markdown (autocomplete choices): one line, article
 * bracketed numbers defused, no mention syntax, at most `max` characters.
 */
export function plainText(text: string, max: number): string {
  const flat = defuseMarkers(text.replace(/\s+/g, ' ').trim()).replace(REFERENCE, `<${ZWSP}`).replace(MASS_MENTION, `@${ZWSP}`);
  return flat.length <= max ? flat : `${flat.slice(0, safeCut(flat, max - 1))}…`;
}
