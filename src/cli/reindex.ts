import { defineCommand, JSON_OPTION } from './command.ts';
import { print, printJson } from './context.ts';

/** Re-embeds every stored chunk with the configured model (after changing EMBEDDING_MODEL). */
export const reindexCommand = defineCommand({
  name: 'reindex',
  summary: 're-embed every stored chunk with EMBEDDING_MODEL (after changing models)',
  usage: ['reindex [--json]'],
  options: { json: JSON_OPTION },
  maxArguments: 0,
  notes: ['--json prints {"reembedded": N, "model": "<id>"}.'],
  run: async (ctx, { values }) => {
    const app = await ctx.app();
    const [{ loadConfiguredEmbedder }, { embedWithProgress }] = await Promise.all([import('../app-embedder.ts'), import('./ingest.ts')]);
    // Load first: if the model is unavailable, the stored embeddings must stay as they are.
    const embedder = await loadConfiguredEmbedder(ctx.config, app.logger);
    await app.library.write(async (writer) => writer.clearEmbeddings());
    const count = await embedWithProgress(app.library, embedder);
    if (values.json) printJson({ reembedded: count, model: embedder.modelId });
    else print(`re-embedded ${count} chunks with ${embedder.modelId}`);
    return 0;
  },
});
