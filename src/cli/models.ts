import { UserError } from '../errors.ts';
import { modelHub } from '../embeddings/hub.ts';
import { listModels, modelsRoot, type ModelListing } from '../embeddings/model-files.ts';
import { modelsText } from '../messages/cli.ts';
import { defineCommand, JSON_OPTION } from './command.ts';
import type { CommandContext } from './context.ts';
import { print, printJson } from './context.ts';
import { formatBytes, Progress } from './progress.ts';

/**
 * `newsroom models list` (the registry's models and which are on disk) and `newsroom models pull
 * [id]` (download one, all or nothing). Neither opens the library.
 */
export const modelsCommand = defineCommand({
  name: 'models',
  summary: 'the embedding models: which are downloaded (list), download one (pull)',
  usage: ['models list [--json]', 'models pull [<model id>] [--json]'],
  options: { json: JSON_OPTION },
  maxArguments: 2,
  notes: [
    'pull downloads EMBEDDING_MODEL unless an id is given, from HF_ENDPOINT (default https://huggingface.co), into',
    'MODELS_DIR when it is set, else into the download cache DATA_DIR/models, with the weights EMBEDDING_DTYPE names.',
    'The files arrive in a temporary folder and are moved into place only once the model loads from them.',
    '--json: list prints {"modelsDir", "cacheDir", "dtype", "configured", "models": [{"id", "dimensions", "languages",',
    '"configured", "present", "location", "path", "bytes", "missing", "note"}]}; pull prints {"model", "path", "bytes",',
    '"downloaded", "seconds"}.',
  ],
  run: async (ctx, { values, positionals }) => {
    const [action, id, ...rest] = positionals;
    if (action === 'list' && id === undefined) return listCommand(ctx, values.json);
    if (action === 'pull' && rest.length === 0) return pullCommand(ctx, id ?? ctx.config.embedding.model, values.json);
    throw new UserError(modelsText.usage(action));
  },
});

function listCommand(ctx: CommandContext, json: boolean): number {
  const { embedding } = ctx.config;
  const locations = { modelsDir: embedding.modelsDir, cacheDir: embedding.cacheDir, dtype: embedding.dtype, configured: embedding.model };
  const models = listModels(locations);
  if (json) {
    printJson({ ...locations, models });
    return 0;
  }
  print(modelsText.listHeading(embedding.dtype, modelsRoot(locations), embedding.modelsDir !== null));
  const width = Math.max(...models.map((m) => m.id.length)) + 2;
  for (const model of models) print(`  ${model.present ? '✓' : '·'} ${model.id.padEnd(width)}${listRow(model)}`);
  print('');
  print(modelsText.listFooter);
  return 0;
}

function listRow(model: ModelListing): string {
  const shape = `${String(model.dimensions).padStart(3)}-d  ${model.languages.join(',').padEnd(4)}`;
  const state = model.present
    ? formatBytes(model.bytes).padStart(9)
    : model.bytes > 0
      ? modelsText.incomplete(model.missing)
      : modelsText.absent(model.location);
  return `${shape}  ${state}${model.configured ? `  ${modelsText.configured}` : ''}`;
}

async function pullCommand(ctx: CommandContext, modelId: string, json: boolean): Promise<number> {
  const { embedding } = ctx.config;
  const root = modelsRoot(embedding);
  const progress = new Progress({ label: 'downloading', unit: 'bytes' });
  let result;
  try {
    const { pullModel } = await import('../embeddings/pull.ts');
    result = await pullModel({
      modelId,
      root,
      dtype: embedding.dtype,
      hub: modelHub({ url: embedding.hubUrl }),
      logger: ctx.logger,
      onProgress: (loaded, total) => {
        progress.setTotal(total > 0 ? total : null);
        progress.update(loaded, modelId);
      },
    });
  } finally {
    progress.finish();
  }
  if (json)
    printJson({
      model: result.modelId,
      path: result.path,
      bytes: result.bytes,
      downloaded: result.downloaded,
      seconds: Number(result.seconds.toFixed(2)),
    });
  else
    print(
      result.downloaded
        ? modelsText.pulled(result.modelId, result.path, result.bytes, result.seconds)
        : modelsText.alreadyThere(result.modelId, result.path),
    );
  return 0;
}
