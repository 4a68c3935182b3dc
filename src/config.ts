import { isIP } from 'node:net';
import path from 'node:path';
import { DEFAULT_HUB_URL } from './embeddings/hub.ts';
import { DEFAULT_EMBEDDING_MODEL, findModelSpec, listModelSpecs } from './embeddings/models.ts';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat } from './log.ts';
import { parseAllowedHosts, type AddressPolicy } from './net/address-policy.ts';

/** Everything the application reads from its environment, validated once at start-up. */
export interface Config {
  dataDir: string;
  /** How long a write waits for another process's write to the library before giving up. */
  writeLockWaitMs: number;
  /** Folder synced into the shared collection when the bot or console starts; null to skip. */
  articlesDir: string | null;
  /**
   * WATCH_ARTICLES: while the bot or console runs, files added, changed or removed under
   * articlesDir are ingested, updated or retracted within seconds (and removals made while it was
   * stopped are retracted at start-up). Off: articlesDir is read at start-up only, and never pruned.
   */
  watchArticles: boolean;
  /** How long a changed file's size and modification time must stay the same before it is read. */
  watchSettleMs: number;
  /** LOG_LEVEL; unset, `info` for the Discord bot and `warn` for the local console (the CLI sets its own). */
  logLevel: string;
  /** LOG_FORMAT: `auto` (readable on a terminal, JSON lines otherwise), `pretty` or `json`. */
  logFormat: LogFormat;
  maxFileBytes: number;
  /** Every outbound fetch (URLs, attachments, feeds) goes through src/net with this policy. */
  fetch: {
    /** Global unicast addresses, plus what FETCH_ALLOWED_HOSTS allows. */
    policy: AddressPolicy;
  };
  /** How long one file may take to parse before it is stopped and refused. */
  parseTimeoutMs: number;
  /** Followed feeds (src/feeds). */
  feeds: {
    /** How often the running bot and the local console sync every feed (FEED_POLL_SECONDS); null: never (cron runs `feeds sync`). */
    pollSeconds: number | null;
  };
  embedding: {
    model: string;
    dtype: 'fp32' | 'q8';
    /** Local folder of models: nothing is downloaded when set. */
    modelsDir: string | null;
    /** Download cache, under dataDir. */
    cacheDir: string;
    /** HF_ENDPOINT: the Hugging Face hub, or a mirror of it, that missing models are downloaded from. */
    hubUrl: string;
  };
  chunking: { targetTokens: number; overlapTokens: number };
  hnsw: { m: number; efConstruction: number; efSearch: number };
  search: { k: number; perArticle: number };
  llm: {
    apiKey: string | null;
    baseURL: string | null;
    model: string;
    timeoutMs: number;
    maxRetries: number;
    maxConcurrent: number;
    contextTokens: number;
  };
  discord: {
    token: string | null;
    clientId: string | null;
    guildId: string | null;
    apiUrl: string | null;
    editorRoleId: string | null;
    dmPolicy: 'shared' | 'refuse';
    questionsPerMinute: number;
  };
  /** HTTP_PORT: health, readiness and Prometheus metrics for the bot and the console; null: no server. */
  http: { port: number; host: string } | null;
  /** The weekly digest of what readers asked and disliked, posted by the bot; null: none. */
  digest: { channelId: string; day: Weekday; hourUtc: number } | null;
}

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
/** Index = Date#getUTCDay(). */
export type Weekday = (typeof WEEKDAYS)[number];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

/** Reads and checks every variable, reporting all problems at once. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const problems: string[] = [];
  const text = (name: string): string | null => {
    const value = env[name]?.trim();
    return value ? value : null;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = text(name);
    if (raw === null) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  };
  const url = (name: string): string | null => {
    const raw = text(name);
    if (raw === null) return null;
    try {
      const parsed = new URL(raw);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
      return raw.replace(/\/+$/, '');
    } catch {
      problems.push(`${name} must be an http(s) URL (got "${raw}")`);
      return null;
    }
  };
  const flag = (name: string, fallback: boolean): boolean => {
    const raw = text(name);
    if (raw === null) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
    if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };
  const snowflake = (name: string): string | null => {
    const raw = text(name);
    if (raw !== null && !/^\d{15,21}$/.test(raw)) {
      problems.push(`${name} must be a Discord id (digits only)`);
      return null;
    }
    return raw;
  };

  const allowedHosts = (name: string): AddressPolicy => {
    const { policy, invalid } = parseAllowedHosts(text(name) ?? '');
    if (invalid.length > 0) {
      problems.push(
        `${name} must list host names, IP addresses or CIDR ranges separated by commas; not understood: ${invalid.map((e) => `"${e}"`).join(', ')}`,
      );
    }
    return policy;
  };

  const weekday = (name: string, fallback: Weekday): Weekday => {
    const raw = text(name);
    if (raw === null) return fallback;
    const day = WEEKDAYS.find((d) => d === raw.toLowerCase());
    if (!day) problems.push(`${name} must be a day of the week, monday to sunday (got "${raw}")`);
    return day ?? fallback;
  };
  const host = (name: string, fallback: string): string => {
    const raw = text(name);
    if (raw === null) return fallback;
    // A host name or an IP address (IPv6 with or without brackets); nothing with a scheme, port or path.
    const bare = raw.replace(/^\[(.*)\]$/, '$1');
    if (isIP(bare) === 0 && !/^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(bare)) {
      problems.push(`${name} must be a host name or an IP address such as 127.0.0.1 (got "${raw}")`);
      return fallback;
    }
    return bare;
  };

  const dataDir = path.resolve(cwd, text('DATA_DIR') ?? 'data');
  const articlesDirRaw = env.ARTICLES_DIR === undefined ? 'articles' : env.ARTICLES_DIR.trim();
  const modelsDir = text('MODELS_DIR');
  const targetTokens = integer('CHUNK_TOKENS', 200, 32, 2048);
  const overlapTokens = integer('CHUNK_OVERLAP_TOKENS', 30, 0, 1024);
  if (overlapTokens >= targetTokens) problems.push('CHUNK_OVERLAP_TOKENS must be smaller than CHUNK_TOKENS');

  const config: Config = {
    dataDir,
    writeLockWaitMs: integer('WRITE_LOCK_WAIT_S', 300, 0, 86_400) * 1000,
    articlesDir: articlesDirRaw ? path.resolve(cwd, articlesDirRaw) : null,
    watchArticles: flag('WATCH_ARTICLES', true),
    watchSettleMs: integer('WATCH_SETTLE_MS', 1000, 100, 60_000),
    logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, text('DISCORD_TOKEN') ? 'info' : 'warn'),
    logFormat: oneOf('LOG_FORMAT', LOG_FORMATS, 'auto'),
    maxFileBytes: integer('MAX_FILE_MB', 10, 1, 1024) * 1024 * 1024,
    fetch: { policy: allowedHosts('FETCH_ALLOWED_HOSTS') },
    parseTimeoutMs: integer('PARSE_TIMEOUT_MS', 10_000, 200, 300_000),
    feeds: { pollSeconds: integer('FEED_POLL_SECONDS', 600, 0, 86_400) || null },
    embedding: {
      model: text('EMBEDDING_MODEL') ?? DEFAULT_EMBEDDING_MODEL,
      dtype: oneOf('EMBEDDING_DTYPE', ['fp32', 'q8'], 'fp32'),
      modelsDir: modelsDir ? path.resolve(cwd, modelsDir) : null,
      cacheDir: path.join(dataDir, 'models'),
      hubUrl: url('HF_ENDPOINT') ?? DEFAULT_HUB_URL,
    },
    chunking: { targetTokens, overlapTokens },
    hnsw: {
      m: integer('HNSW_M', 16, 4, 96),
      efConstruction: integer('HNSW_EF_CONSTRUCTION', 200, 10, 2000),
      efSearch: integer('HNSW_EF_SEARCH', 100, 10, 2000),
    },
    search: { k: integer('SEARCH_K', 8, 1, 50), perArticle: integer('PASSAGES_PER_ARTICLE', 3, 1, 50) },
    llm: {
      apiKey: text('OPENAI_API_KEY'),
      baseURL: url('OPENAI_BASE_URL'),
      model: text('LLM_MODEL') ?? 'gpt-4o-mini',
      timeoutMs: integer('LLM_TIMEOUT_MS', 60_000, 1_000, 600_000),
      maxRetries: integer('LLM_MAX_RETRIES', 2, 0, 10),
      maxConcurrent: integer('LLM_MAX_CONCURRENT', 4, 1, 64),
      contextTokens: integer('LLM_CONTEXT_TOKENS', 3000, 500, 200_000),
    },
    discord: {
      token: text('DISCORD_TOKEN'),
      clientId: snowflake('DISCORD_CLIENT_ID'),
      guildId: snowflake('DISCORD_GUILD_ID'),
      apiUrl: url('DISCORD_API_URL'),
      editorRoleId: snowflake('EDITOR_ROLE_ID'),
      dmPolicy: oneOf('DM_POLICY', ['shared', 'refuse'], 'shared'),
      questionsPerMinute: integer('QUESTIONS_PER_MINUTE', 5, 1, 600),
    },
    http: null,
    digest: null,
  };
  const httpHost = host('HTTP_HOST', '127.0.0.1');
  if (text('HTTP_PORT') !== null) config.http = { port: integer('HTTP_PORT', 0, 1, 65_535), host: httpHost };
  const digestChannel = snowflake('DIGEST_CHANNEL_ID');
  const digestDay = weekday('DIGEST_DAY', 'monday');
  const digestHour = integer('DIGEST_HOUR', 9, 0, 23);
  if (digestChannel) config.digest = { channelId: digestChannel, day: digestDay, hourUtc: digestHour };
  if (!findModelSpec(config.embedding.model)) {
    problems.push(
      `EMBEDDING_MODEL "${config.embedding.model}" is not a known model; use one of ${listModelSpecs().map((m) => m.id).join(', ')}`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
