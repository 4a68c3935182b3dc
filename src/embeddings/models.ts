import { UserError } from '../errors.ts';

export type Pooling = 'mean' | 'cls';

/** What the embedder must know about a model to use it the way it was trained. */
export interface EmbeddingModelSpec {
  /** Hugging Face id, also the folder name under MODELS_DIR (e.g. `Xenova/bge-small-en-v1.5`). */
  readonly id: string;
  /** Length of the vectors the model produces. */
  readonly dimensions: number;
  /** How token vectors become one text vector: their mask-weighted mean, or the [CLS] token's. */
  readonly pooling: Pooling;
  /** Whether vectors are scaled to unit length (cosine similarity = dot product). */
  readonly normalize: boolean;
  /** Prepended to a question before embedding it. */
  readonly queryPrefix: string;
  /** Prepended to a stored passage before embedding it. */
  readonly passagePrefix: string;
  /** Longest input, in model tokens including special tokens; longer inputs are truncated. */
  readonly maxTokens: number;
  /** Language codes the model was trained for; `mul` means many languages. */
  readonly languages: readonly string[];
  /**
   * Cosine similarity above which a passage counts as on topic even when it shares few words
   * with the question (synonyms, paraphrase). Deliberately high: below it, the keyword test
   * decides. Null for models whose scores mean nothing (the test model).
   */
  readonly relevantSimilarity: number | null;
  readonly note: string;
}

export const DEFAULT_EMBEDDING_MODEL = 'Xenova/bge-small-en-v1.5';

const MODELS: readonly EmbeddingModelSpec[] = [
  {
    id: 'Xenova/bge-small-en-v1.5',
    dimensions: 384,
    pooling: 'cls',
    normalize: true,
    queryPrefix: 'Represent this sentence for searching relevant passages: ',
    passagePrefix: '',
    maxTokens: 512,
    languages: ['en'],
    relevantSimilarity: 0.8,
    note: 'Default. Strong English retrieval for its size (about 33 MB quantized, 130 MB fp32).',
  },
  {
    id: 'Xenova/bge-base-en-v1.5',
    dimensions: 768,
    pooling: 'cls',
    normalize: true,
    queryPrefix: 'Represent this sentence for searching relevant passages: ',
    passagePrefix: '',
    maxTokens: 512,
    languages: ['en'],
    relevantSimilarity: 0.8,
    note: 'Better English retrieval than bge-small at about three times the cost; twice the index size.',
  },
  {
    id: 'Xenova/all-MiniLM-L6-v2',
    dimensions: 384,
    pooling: 'mean',
    normalize: true,
    queryPrefix: '',
    passagePrefix: '',
    maxTokens: 256,
    languages: ['en'],
    relevantSimilarity: 0.6,
    note: 'Fastest English model here; trained on sentence similarity rather than search.',
  },
  {
    id: 'Xenova/multilingual-e5-small',
    dimensions: 384,
    pooling: 'mean',
    normalize: true,
    queryPrefix: 'query: ',
    passagePrefix: 'passage: ',
    maxTokens: 512,
    languages: ['mul'],
    relevantSimilarity: 0.88,
    note: 'For newsrooms publishing in languages other than English (about 100 languages).',
  },
  {
    id: 'newsroom/tiny-bert',
    dimensions: 64,
    pooling: 'mean',
    normalize: true,
    queryPrefix: '',
    passagePrefix: '',
    maxTokens: 256,
    languages: ['en'],
    relevantSimilarity: null,
    note: 'Test only: a bag-of-words stand-in shipped in test/fixtures/models (scripts/make-tiny-model.py).',
  },
];

export function listModelSpecs(): readonly EmbeddingModelSpec[] {
  return MODELS;
}

export function findModelSpec(id: string): EmbeddingModelSpec | undefined {
  return MODELS.find((spec) => spec.id === id);
}

/** The spec for `id`; an unknown id is a configuration mistake, reported with the choices. */
export function getModelSpec(id: string): EmbeddingModelSpec {
  const spec = findModelSpec(id);
  if (spec === undefined) {
    const known = MODELS.map((model) => model.id).join(', ');
    throw new UserError(`Unknown embedding model "${id}". Known models: ${known}.`);
  }
  return spec;
}

/** Where models are downloaded from when HF_ENDPOINT names no other hub. */
export const DEFAULT_HUB_URL = 'https://huggingface.co';
