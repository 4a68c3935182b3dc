import { UserError } from '../errors.ts';
import { archiveMessages } from '../messages/archive.ts';
import { defineCommand, JSON_OPTION } from './command.ts';
import { print, printJson } from './context.ts';
import { embedWithProgress } from './ingest.ts';

/** Embeds the chunks stored without a vector (an archive ingested with --no-embed, or while the model was missing). */
export const embedCommand = defineCommand({
  name: 'embed',
  summary: 'embed the stored chunks that have no vector yet, newest stories first',
  usage: ['embed [--json]'],
  options: { json: JSON_OPTION },
  maxArguments: 0,
  notes: [
    'Each batch is stored in a short write of its own: the bot, feeds and forget go on meanwhile.',
    'Interrupted (Ctrl-C, a kill, a crash), it goes on from where it stopped when run again.',
    '--json prints {"embedded": N, "awaiting": N, "model": "<id>", "seconds": S, "chunksPerSecond": R}.',
  ],
  run: async (ctx, { values }) => {
    const app = await ctx.app();
    const embedder = app.embedder;
    if (!embedder) throw new UserError(archiveMessages.noModel(app.embedderProblem));
    const started = performance.now();
    const embedded = await embedWithProgress(app.library, embedder);
    const seconds = (performance.now() - started) / 1000;
    const awaiting = app.library.catalog.pendingCount();
    if (values.json) {
      printJson({
        embedded,
        awaiting,
        model: embedder.modelId,
        seconds: Number(seconds.toFixed(3)),
        chunksPerSecond: seconds > 0 ? Number((embedded / seconds).toFixed(2)) : 0,
      });
    } else {
      print(archiveMessages.embedded(embedded, embedder.modelId, seconds, awaiting));
    }
    return 0;
  },
});
