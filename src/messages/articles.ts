import { formatLimit, formatMegabytes, formatSeconds, truncate } from './format.ts';

/*
 * What the article loaders say about a file they could not read (editors and operators). `where` names the item: a file ("notes/harbor.md"), one record of
 * it ("export.json record 3", "feed.jsonl line 7") or an address.
 */
export const SUPPORTED_EXTENSIONS_TEXT = '.txt, .md, .markdown, .html, .htm, .json, .jsonl';

export const recordOf = (file: string, n: number): string => `${file} record ${n}`;

export const lineOf = (file: string, n: number): string => `${file} line ${n}`;

export const loadMessages = {
  // Reading bytes
  empty: (where: string) => `${where} is empty`,
  binary: (where: string) => `${where} looks like a binary file, not text`,
  invalidUtf8: (where: string, offset: number, line: number) =>
    `${where} is not valid UTF-8 text (invalid byte at offset ${offset}, line ${line}); save it as UTF-8 and try again`,
  unknownCharset: (where: string, charset: string) => `${where} uses the character set "${charset}", which is not supported`,
  tooLarge: (where: string, bytes: number, maxBytes: number) =>
    `${where} is ${formatMegabytes(bytes)}, larger than the ${formatLimit(maxBytes)} limit`,
  tooLargeUnknownSize: (where: string, maxBytes: number) => `${where} is larger than the ${formatLimit(maxBytes)} limit`,
  unsupportedType: (where: string, extension: string) =>
    extension
      ? `${where} has an unsupported file type "${extension}" (supported: ${SUPPORTED_EXTENSIONS_TEXT})`
      : `${where} has no file extension, so its format is unknown (supported: ${SUPPORTED_EXTENSIONS_TEXT})`,

  // Files and folders
  missing: (where: string) => `${where} does not exist`,
  permissionDenied: (where: string) => `${where} cannot be read: permission denied`,
  notAFile: (where: string) => `${where} is not a regular file or folder`,
  unreadable: (where: string, code: string) => `${where} cannot be read (${code})`,

  // Structure
  invalidJson: (where: string, detail: string) => `${where} is not valid JSON: ${detail}`,
  jsonShape: (where: string) => `${where} must hold an article object, an array of article objects, or {"articles": [...]}`,
  noRecords: (where: string) => `${where} contains no articles`,
  recordNotObject: (where: string) => `${where} is not an article object`,
  invalidFrontMatter: (where: string, detail: string) => `${where} has invalid front matter: ${detail}`,
  frontMatterNotMapping: (where: string) => `${where} has front matter that is not a list of "key: value" fields`,
  unclosedFrontMatter: (where: string) => `${where} opens front matter with "---" but never closes it`,
  fieldNotText: (where: string, field: string) => `${where} has a "${field}" field that is not text`,
  fieldNotTags: (where: string, field: string) =>
    `${where} has a "${field}" field that is neither a list of words nor comma-separated text`,

  // Article content
  noTitle: (where: string, hint: string) => `${where} has no title (${hint})`,
  emptyBody: (where: string) => `${where} has a title but no body text`,
  invalidId: (where: string, id: string) =>
    `${where} has the id "${truncate(id)}", which is not valid: use 1–128 letters, digits, ".", "_", ":" or "-"`,
  invalidUrl: (where: string, url: string) => `${where} has the url "${truncate(url)}", which is not an absolute http(s) address`,
  invalidPublished: (where: string, value: string) =>
    `${where} has the published date "${truncate(value)}", which is not a date (use YYYY-MM-DD or an ISO 8601 date-time)`,
  invalidUpdated: (where: string, value: string) =>
    `${where} has the updated date "${truncate(value)}", which is not a date (use YYYY-MM-DD or an ISO 8601 date-time)`,
  duplicateId: (where: string, id: string, firstWhere: string) => `${where} has the id "${id}", which ${firstWhere} already uses`,

  // Addresses
  noArticleText: (where: string) => `${where} has no article text that could be extracted`,

  // Hostile or broken content, caught while parsing off the main thread
  nestedTooDeep: (where: string, limit: number) =>
    `${where} nests its elements more than ${limit} levels deep, which no article does; it was refused as malformed`,
  parseTimeout: (where: string, timeLimitMs: number) =>
    `${where} took longer than ${formatSeconds(timeLimitMs)} to read, so it was stopped; the file may be malformed`,
  parseOutOfMemory: (where: string) => `${where} needed too much memory to read, so it was stopped; the file may be malformed`,
  parseFailed: (where: string, detail: string) => `${where} could not be read (${truncate(detail)})`,

  // Links, and text no article holds (never echoed: only its kind and line are named)
  symlinkNotFollowed: (where: string) =>
    `${where} is a symbolic link, and links in the articles folder are not followed, so it was not read ` +
    '(an operator can allow them with FOLLOW_SYMLINKS=inside or all)',
  symlinkOutside: (where: string) =>
    `${where} is a symbolic link to a file outside the folder, so it was not read (FOLLOW_SYMLINKS=inside follows links within the folder only)`,
  notAnArticle: (where: string, kind: 'env-file' | 'key-file') =>
    kind === 'env-file'
      ? `${where} looks like a configuration file (NAME=value lines), not an article, so it was not read`
      : `${where} looks like a key or certificate file, not an article, so it was not read`,
  credentialRefused: (where: string, kind: string, line: number | null) =>
    `${where}${line === null ? '' : `, line ${line},`} holds what looks like ${credentialKinds[kind] ?? 'a password or key'}, so it was not stored. ` +
    'If it belongs in the story, an operator can store it anyway with `newsroom ingest --allow-secrets`',
} as const;

const credentialKinds: Record<string, string> = {
  'discord-token': 'a Discord bot token',
  'openai-key': 'an API secret key (sk-…)',
  'aws-key': 'an AWS access key',
  'private-key': 'a private key',
  'github-token': 'a GitHub token',
  'slack-token': 'a Slack token',
  'google-key': 'a Google API key',
  'stripe-key': 'a Stripe key',
  jwt: 'a signed access token (JWT)',
  'url-password': 'an address with a password in it',
  'secret-assignment': 'a password, token or key setting (NAME=value)',
};

export const titleHints = {
  text: 'the first non-empty line is used as the title',
  markdown: 'add "title:" to the front matter or start with a "# Heading"',
  html: 'the page has no <title>, <h1> or og:title',
  json: 'add a "title" field',
} as const;

/** Bytes that are fine but could not become text. */
export const decodeMessages = {
  tooLongForText: (where: string, bytes: number) =>
    `${where} is too large to read as text (${formatMegabytes(bytes)}: longer than the longest string Node.js can hold, about 512 MB); ` +
    'split it into smaller files',
  decodeFailed: (where: string, reason: string) => `${where} could not be read as text (${reason})`,
} as const;
