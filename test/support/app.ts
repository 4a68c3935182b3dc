import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp, type App, type AppHooks } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { syncArticlesDir } from '../../src/sync.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const TINY_MODEL_ENV = {
  MODELS_DIR: path.join(ROOT, 'test/fixtures/models'),
  EMBEDDING_MODEL: 'newsroom/tiny-bert',
};

/**
 * The real application (createApp) over a temp DATA_DIR holding the sample articles, embedded
 * with the tiny test model. `env` adds settings, e.g. OPENAI_BASE_URL of a fake server.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  articlesDir = path.join(ROOT, 'articles'),
  hooks: AppHooks = {},
): Promise<App & { dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-app-'));
  const config = loadConfig({ ...TINY_MODEL_ENV, DATA_DIR: dataDir, ARTICLES_DIR: articlesDir, ...env }, ROOT);
  const app = await createApp(config, silentLogger, hooks);
  await syncArticlesDir(app);
  // The sync stores text first and embeds in the background: these tests start from a fully embedded library.
  await app.backgroundEmbedding.idle();
  // Assigned onto the app, not spread: its embedder is read live through getters.
  const close = app.close;
  return Object.assign(app, {
    dataDir,
    close: () => {
      close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/** The user message of a recorded chat request. */
export function userMessage(body: { messages?: { role: string; content: string }[] }): string {
  return body.messages?.find((m) => m.role === 'user')?.content ?? '';
}

export function systemMessage(body: { messages?: { role: string; content: string }[] }): string {
  return body.messages?.find((m) => m.role === 'system')?.content ?? '';
}

/** Text of passage `n` as the prompt showed it (without its header line). */
export function passageFromPrompt(prompt: string, n: number): string {
  const match = prompt.match(new RegExp(`<passage id="${n}">\\n\\[${n}\\][^\\n]*\\n([\\s\\S]*?)\\n</passage>`));
  return match?.[1] ?? '';
}
