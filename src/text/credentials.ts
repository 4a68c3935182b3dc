/*
 * Text that looks like a credential — a Discord bot token, an API key, a private key, a
 * `PASSWORD=` line — and files that are configuration or key files rather than articles. A stored
 * article is shown to every member who asks, so such text is refused at ingest unless an editor
 * says it belongs in the story. The patterns follow the published formats of each kind of secret;
 * nothing here ever returns the secret itself, only what kind it is and where.
 */

/** What kind of credential was found, as messages name it. */
export type CredentialKind =
  | 'discord-token'
  | 'openai-key'
  | 'aws-key'
  | 'private-key'
  | 'github-token'
  | 'slack-token'
  | 'google-key'
  | 'stripe-key'
  | 'jwt'
  | 'url-password'
  | 'secret-assignment';

export interface CredentialFinding {
  kind: CredentialKind;
  /** 1-based line of the text it is on. */
  line: number;
  /** Where it starts in the text, and how long it is: for locating it, never for showing it. */
  at: number;
  length: number;
}

/** An example value in documentation or a template, not a secret: "<token>", "xxxx", "your-key-here", "${TOKEN}". */
const PLACEHOLDER = /^["']?(?:<.*|\*+|x{3,}|\.{3}|…|your[-_ ].*|changeme|example.*|placeholder|redacted|\$\{?\w+\}?)["']?$/i;

const PATTERNS: { kind: CredentialKind; pattern: RegExp; value?: number }[] = [
  // Discord bot token: the base64 of a snowflake id, a timestamp part, an HMAC part.
  { kind: 'discord-token', pattern: /(?<![\w-])[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,40}(?![\w-])/g },
  // OpenAI (and OpenAI-style) secret keys: sk-…, sk-proj-…; at least one digit, so "sk-" words are not keys.
  { kind: 'openai-key', pattern: /(?<![\w-])sk-(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,}(?![\w-])/g },
  { kind: 'aws-key', pattern: /(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}(?![A-Z0-9])/g },
  { kind: 'private-key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g },
  { kind: 'github-token', pattern: /(?<![\w-])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})(?![\w-])/g },
  { kind: 'slack-token', pattern: /(?<![\w-])xox[abprs]-[A-Za-z0-9-]{10,}(?![\w-])/g },
  { kind: 'google-key', pattern: /(?<![\w-])AIza[0-9A-Za-z_-]{35}(?![\w-])/g },
  { kind: 'stripe-key', pattern: /(?<![\w-])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}(?![\w-])/g },
  { kind: 'jwt', pattern: /(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  // user:password@host in an address.
  { kind: 'url-password', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:([^\s/@]{3,})@[^\s/]+/gi, value: 1 },
  // DISCORD_TOKEN=…, export DB_PASSWORD="…", api_key = …, ?access_token=… in an address.
  {
    kind: 'secret-assignment',
    pattern:
      /^[ \t]*(?:export[ \t]+)?[A-Za-z0-9_.-]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)[A-Za-z0-9_]*[ \t]*=[ \t]*(\S{4,})/gim,
    value: 1,
  },
  // …and one written inside a sentence, in the capitals of an environment variable: "DB_PASSWORD=…".
  {
    kind: 'secret-assignment',
    pattern: /(?<![\w-])[A-Z][A-Z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY)[A-Z0-9_]*=(\S{4,})/g,
    value: 1,
  },
  {
    kind: 'secret-assignment',
    pattern: /[?&](?:password|passwd|token|access_token|api_?key|secret|client_secret)=([^&\s#]{6,})/gi,
    value: 1,
  },
];

/** Offsets of the start of each line, for finding the line of an offset by binary search. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: readonly number[], at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Everything in `text` that looks like a credential, in order of position; placeholders left out. */
export function findCredentials(text: string): CredentialFinding[] {
  const found: CredentialFinding[] = [];
  for (const { kind, pattern, value } of PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      if (value !== undefined && PLACEHOLDER.test(m[value] ?? '')) continue;
      found.push({ kind, line: 0, at: m.index, length: m[0].length });
    }
  }
  if (found.length === 0) return found;
  const starts = lineStarts(text);
  return found.sort((a, b) => a.at - b.at).map((f) => ({ ...f, line: lineOf(starts, f.at) }));
}

/** What a file's text is when it is no article: a configuration (env) file, or a key or certificate file. */
export type NotArticleKind = 'env-file' | 'key-file';

const ASSIGNMENT = /^[ \t]*(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_.-]*[ \t]*=/;
const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g;

/**
 * Whether plain text is a configuration or key file rather than an article, judged by content, not
 * name: most of its lines are `NAME=value` assignments (comments and blank lines aside), or most of
 * it is PEM blocks (keys, certificates). Null for anything that reads as prose.
 */
export function notArticleKind(text: string): NotArticleKind | null {
  const visible = text.replace(/\s+/g, '').length;
  const pem = [...text.matchAll(PEM_BLOCK)].reduce((sum, m) => sum + m[0].replace(/\s+/g, '').length, 0);
  if (pem > 0 && pem * 2 >= visible) return 'key-file';
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !/^\s*[#;]/.test(l));
  const assignments = lines.filter((l) => ASSIGNMENT.test(l)).length;
  return lines.length > 0 && assignments > 0 && assignments * 2 >= lines.length ? 'env-file' : null;
}
