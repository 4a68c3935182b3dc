import { loadConfiguredEmbedder } from '../app.ts';
import { embedPending } from '../ingest.ts';
import { ProgressBar } from './progress.ts';
import type { CommandContext } from './context.ts';

/** Re-embeds every stored chunk with the configured model (after changing EMBEDDING_MODEL). */
export async function reindexCommand(ctx: CommandContext): Promise<number> {
  const app = await ctx.app();
  // Load first: if the model is unavailable, the stored embeddings must stay as they are.
  const embedder = await loadConfiguredEmbedder(ctx.config, app.logger);
  await app.library.write(async (writer) => writer.clearEmbeddings());
  const bar = new ProgressBar('embedding');
  const count = await embedPending({ library: app.library, embedder }, { onProgress: (d, t) => bar.update(d, t) });
  bar.done();
  process.stdout.write(`re-embedded ${count} chunks with ${embedder.modelId}\n`);
  return 0;
}
