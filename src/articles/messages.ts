/*
 * Every message the loaders show to a person, in one place so the wording can be
 * reviewed together. `where` names the item: a file ("notes/harbor.md"), one record of
 * it ("export.json record 3", "feed.jsonl line 7") or an address.
 */

export const SUPPORTED_EXTENSIONS_TEXT = '.txt, .md, .markdown, .html, .htm, .json, .jsonl';

export const recordOf = (file: string, n: number): string => `${file} record ${n}`;
export const lineOf = (file: string, n: number): string => `${file} line ${n}`;

export const messages = {
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
  jsonShape: (where: string) =>
    `${where} must hold an article object, an array of article objects, or {"articles": [...]}`,
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
  duplicateId: (where: string, id: string, firstWhere: string) =>
    `${where} has the id "${id}", which ${firstWhere} already uses`,

  // Addresses
  notHttp: (url: string) => `"${truncate(url)}" is not an http(s) address`,
  httpStatus: (url: string, status: number, statusText: string) =>
    status === 404
      ? `${url} was not found (404)`
      : `${url} answered ${status}${statusText ? ` ${statusText}` : ''} instead of a page`,
  notHtml: (url: string, contentType: string) => `${url} is ${contentType}, not an HTML page`,
  timeout: (url: string, timeoutMs: number) => `${url} did not answer within ${formatSeconds(timeoutMs)}`,
  unreachable: (url: string, detail: string) => `${url} could not be reached (${detail})`,
  noArticleText: (where: string) => `${where} has no article text that could be extracted`,
} as const;

export const titleHints = {
  text: 'the first non-empty line is used as the title',
  markdown: 'add "title:" to the front matter or start with a "# Heading"',
  html: 'the page has no <title>, <h1> or og:title',
  json: 'add a "title" field',
} as const;

/** 52428800 → "50.0 MB" (MiB, as people mean them); small sizes in KB, rounded up. */
export function formatMegabytes(bytes: number): string {
  const megabytes = bytes / (1024 * 1024);
  return megabytes >= 0.1 ? `${megabytes.toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** 10485760 → "10 MB"; limits read best without a decimal when they are whole. */
export function formatLimit(bytes: number): string {
  const megabytes = bytes / (1024 * 1024);
  if (Number.isInteger(megabytes)) return `${megabytes} MB`;
  if (megabytes >= 0.1) return `${megabytes.toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} second${seconds === 1 ? '' : 's'}`;
}

function truncate(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
