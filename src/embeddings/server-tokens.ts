import { AutoTokenizer } from '@huggingface/transformers';
import { countLlmTokens } from '../text/llm-tokens.ts';
import { modelFolder } from './model-files.ts';
import type { EmbeddingModelSpec } from './models.ts';
import { exclusively, readFromFolder } from './transformers-env.ts';
import fs from 'node:fs';
import path from 'node:path';

/** How texts are measured for chunking when the model runs on an embeddings server. */
export interface TokenCounter {
  countTokens(text: string): number;
  /** Largest input, in the units `countTokens` counts. */
  maxTokens: number;
  /** Where the counts come from, for the log. */
  source: string;
}

/** The tokenizer files Transformers.js reads; the model weights are not needed to count tokens. */
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'];

/**
 * Without the model's tokenizer, the LLM tokenizer (o200k) stands in. On 150 news files, bge's
 * WordPiece count was 0.92× the o200k count on average but up to 1.33× for one paragraph, so the
 * stand-in's limit is the model's divided by this margin: no chunk can outgrow what the server accepts.
 */
const STAND_IN_MARGIN = 1.4;

/**
 * The model's own tokenizer when its files are on this machine (MODELS_DIR, or the download cache):
 * chunks then have the same boundaries as with the local model. Otherwise the stand-in above.
 */
export async function loadTokenCounter(spec: EmbeddingModelSpec, roots: readonly string[]): Promise<TokenCounter> {
  const root = roots.find((r) => TOKENIZER_FILES.every((file) => isFile(path.join(modelFolder(r, spec.id), file))));
  if (root !== undefined) {
    const tokenizer = await exclusively(async () => {
      readFromFolder(root);
      return AutoTokenizer.from_pretrained(spec.id, { local_files_only: true });
    });
    const limit: unknown = tokenizer.model_max_length;
    const maxTokens = typeof limit === 'number' && Number.isFinite(limit) && limit > 0 ? Math.min(limit, spec.maxTokens) : spec.maxTokens;
    return {
      countTokens: (text) => tokenizer.encode(text, { add_special_tokens: false }).length,
      maxTokens,
      source: `${spec.id} tokenizer in ${root}`,
    };
  }
  return {
    countTokens: countLlmTokens,
    maxTokens: Math.floor(spec.maxTokens / STAND_IN_MARGIN),
    source: 'stand-in (o200k LLM tokenizer with a safety margin)',
  };
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
