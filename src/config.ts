import os from 'node:os';
import path from 'node:path';
import { DEFAULT_EMBEDDING_MODEL, DEFAULT_HUB_URL, findModelSpec, listModelSpecs } from './embeddings/models.ts';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat } from './log.ts';
import type { AddressPolicy } from './net/address-policy.ts';
import { EnvReader, type Env } from './env-reader.ts';

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
    /** EMBEDDING_DTYPE: q8 (default, int8 weights) or fp32. */
    dtype: 'fp32' | 'q8';
    /** EMBEDDING_THREADS: ONNX Runtime threads for one model call (default: every core). */
    threads: number;
    /** Local folder of models: nothing is downloaded when set. */
    modelsDir: string | null;
    /** Download cache, under dataDir. */
    cacheDir: string;
    /** HF_ENDPOINT: the Hugging Face hub, or a mirror of it, that missing models are downloaded from. */
    hubUrl: string;
    /** EMBEDDINGS_URL: an OpenAI-compatible embeddings server that embeds in place of the local model; null: embed here. */
    server: EmbeddingServerConfig | null;
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
  /**
   * FOLLOW_SYMLINKS: symbolic links to files in folders read as articles (ARTICLES_DIR, `ingest <folder>`).
   * `off` (default): none is read, each is reported; `inside`: those pointing inside the folder; `all`: any.
   */
  followSymlinks: 'off' | 'inside' | 'all';
  /**
   * SHUTDOWN_TIMEOUT_S: how long the bot may take to stop on SIGTERM (keep it under the supervisor's
   * limit, systemd's TimeoutStopSec). Answers in flight get most of it; then their model calls are
   * aborted and those people told to ask again.
   */
  shutdownTimeoutMs: number;
}

export interface EmbeddingServerConfig {
  /** Base URL of the server's OpenAI-compatible API (`…/v1`). */
  url: string;
  apiKey: string | null;
  /** EMBEDDINGS_MODEL: the server's name for EMBEDDING_MODEL's model; null: EMBEDDING_MODEL itself. */
  model: string | null;
  batchSize: number;
  maxConcurrent: number;
  timeoutMs: number;
  maxRetries: number;
}

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
/** Index = Date#getUTCDay(). */
export type Weekday = (typeof WEEKDAYS)[number];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/** Reads and checks every variable, reporting all problems at once. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const read = new EnvReader(env);
  const dataDir = path.resolve(cwd, read.text('DATA_DIR') ?? 'data');
  const articlesDir = read.raw('ARTICLES_DIR') === undefined ? 'articles' : (read.raw('ARTICLES_DIR') ?? '').trim();
  const config: Config = {
    dataDir,
    writeLockWaitMs: read.integer('WRITE_LOCK_WAIT_S', 300, 0, 86_400) * 1000,
    articlesDir: articlesDir ? path.resolve(cwd, articlesDir) : null,
    watchArticles: read.flag('WATCH_ARTICLES', true),
    watchSettleMs: read.integer('WATCH_SETTLE_MS', 1000, 100, 60_000),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, read.text('DISCORD_TOKEN') ? 'info' : 'warn'),
    logFormat: read.oneOf('LOG_FORMAT', LOG_FORMATS, 'auto'),
    // Past 511 MiB a file cannot be decoded into one JavaScript string at all (V8's limit).
    maxFileBytes: read.integer('MAX_FILE_MB', 10, 1, 500) * 1024 * 1024,
    fetch: { policy: read.allowedHosts('FETCH_ALLOWED_HOSTS') },
    parseTimeoutMs: read.integer('PARSE_TIMEOUT_MS', 10_000, 200, 300_000),
    feeds: { pollSeconds: read.integer('FEED_POLL_SECONDS', 600, 0, 86_400) || null },
    embedding: embeddingConfig(read, cwd, dataDir),
    chunking: chunkingConfig(read),
    hnsw: {
      m: read.integer('HNSW_M', 16, 4, 96),
      efConstruction: read.integer('HNSW_EF_CONSTRUCTION', 200, 10, 2000),
      efSearch: read.integer('HNSW_EF_SEARCH', 100, 10, 2000),
    },
    search: { k: read.integer('SEARCH_K', 8, 1, 50), perArticle: read.integer('PASSAGES_PER_ARTICLE', 3, 1, 50) },
    llm: llmConfig(read),
    discord: discordConfig(read),
    http: httpConfig(read),
    digest: digestConfig(read),
    followSymlinks: read.oneOf('FOLLOW_SYMLINKS', ['off', 'inside', 'all'], 'off'),
    shutdownTimeoutMs: read.integer('SHUTDOWN_TIMEOUT_S', 25, 2, 600) * 1000,
  };
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}

function embeddingConfig(read: EnvReader, cwd: string, dataDir: string): Config['embedding'] {
  const modelsDir = read.text('MODELS_DIR');
  const model = read.text('EMBEDDING_MODEL') ?? DEFAULT_EMBEDDING_MODEL;
  if (!findModelSpec(model)) {
    read.problem(
      `EMBEDDING_MODEL "${model}" is not a known model; use one of ${listModelSpecs()
        .map((m) => m.id)
        .join(', ')}`,
    );
  }
  return {
    model,
    dtype: read.oneOf('EMBEDDING_DTYPE', ['fp32', 'q8'], 'q8'),
    threads: read.integer('EMBEDDING_THREADS', os.availableParallelism(), 1, 256),
    modelsDir: modelsDir ? path.resolve(cwd, modelsDir) : null,
    cacheDir: path.join(dataDir, 'models'),
    hubUrl: read.url('HF_ENDPOINT') ?? DEFAULT_HUB_URL,
    server: embeddingServerConfig(read),
  };
}

/** The operator's own server, like OPENAI_BASE_URL: any http(s) address, private ones included. */
function embeddingServerConfig(read: EnvReader): EmbeddingServerConfig | null {
  const url = read.url('EMBEDDINGS_URL');
  const settings = {
    apiKey: read.text('EMBEDDINGS_API_KEY'),
    model: read.text('EMBEDDINGS_MODEL'),
    batchSize: read.integer('EMBEDDINGS_BATCH_SIZE', 32, 1, 2048),
    maxConcurrent: read.integer('EMBEDDINGS_MAX_CONCURRENT', 4, 1, 64),
    timeoutMs: read.integer('EMBEDDINGS_TIMEOUT_MS', 30_000, 100, 600_000),
    maxRetries: read.integer('EMBEDDINGS_MAX_RETRIES', 3, 0, 10),
  };
  return url === null ? null : { url, ...settings };
}

function chunkingConfig(read: EnvReader): Config['chunking'] {
  const targetTokens = read.integer('CHUNK_TOKENS', 200, 32, 2048);
  const overlapTokens = read.integer('CHUNK_OVERLAP_TOKENS', 30, 0, 1024);
  if (overlapTokens >= targetTokens) read.problem('CHUNK_OVERLAP_TOKENS must be smaller than CHUNK_TOKENS');
  return { targetTokens, overlapTokens };
}

function llmConfig(read: EnvReader): Config['llm'] {
  return {
    apiKey: read.text('OPENAI_API_KEY'),
    baseURL: read.url('OPENAI_BASE_URL'),
    model: read.text('LLM_MODEL') ?? 'gpt-4o-mini',
    timeoutMs: read.integer('LLM_TIMEOUT_MS', 60_000, 1_000, 600_000),
    maxRetries: read.integer('LLM_MAX_RETRIES', 2, 0, 10),
    maxConcurrent: read.integer('LLM_MAX_CONCURRENT', 4, 1, 64),
    contextTokens: read.integer('LLM_CONTEXT_TOKENS', 3000, 500, 200_000),
  };
}

function discordConfig(read: EnvReader): Config['discord'] {
  return {
    token: read.text('DISCORD_TOKEN'),
    clientId: read.snowflake('DISCORD_CLIENT_ID'),
    guildId: read.snowflake('DISCORD_GUILD_ID'),
    apiUrl: read.url('DISCORD_API_URL'),
    editorRoleId: read.snowflake('EDITOR_ROLE_ID'),
    dmPolicy: read.oneOf('DM_POLICY', ['shared', 'refuse'], 'shared'),
    questionsPerMinute: read.integer('QUESTIONS_PER_MINUTE', 5, 1, 600),
  };
}

function httpConfig(read: EnvReader): Config['http'] {
  const host = read.host('HTTP_HOST', '127.0.0.1');
  return read.text('HTTP_PORT') === null ? null : { port: read.integer('HTTP_PORT', 0, 1, 65_535), host };
}

function digestConfig(read: EnvReader): Config['digest'] {
  const channelId = read.snowflake('DIGEST_CHANNEL_ID');
  const day = weekday(read, 'DIGEST_DAY', 'monday');
  const hourUtc = read.integer('DIGEST_HOUR', 9, 0, 23);
  return channelId ? { channelId, day, hourUtc } : null;
}

function weekday(read: EnvReader, name: string, fallback: Weekday): Weekday {
  const raw = read.text(name);
  if (raw === null) return fallback;
  const day = WEEKDAYS.find((d) => d === raw.toLowerCase());
  if (!day) read.problem(`${name} must be a day of the week, monday to sunday (got "${raw}")`);
  return day ?? fallback;
}
