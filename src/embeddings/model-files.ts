import fs from 'node:fs';
import path from 'node:path';
import { listModelSpecs, type EmbeddingModelSpec } from './models.ts';

export type EmbeddingDtype = 'fp32' | 'q8';

/**
 * The files Transformers.js reads to run a model as a feature extractor, relative to the model's
 * folder: `fp32` loads onnx/model.onnx, `q8` onnx/model_quantized.onnx.
 */
export function modelFiles(dtype: EmbeddingDtype): string[] {
  return ['config.json', 'tokenizer.json', 'tokenizer_config.json', dtype === 'q8' ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx'];
}

/**
 * Where a model lives under a models folder (MODELS_DIR, or the download cache under DATA_DIR):
 * `<root>/<owner>/<name>`, the layout of the hub's model ids.
 */
export function modelFolder(root: string, modelId: string): string {
  return path.join(root, ...modelId.split('/'));
}

/** The files of `modelFiles(dtype)` that the model's folder lacks (or holds empty). */
export function missingModelFiles(root: string, modelId: string, dtype: EmbeddingDtype): string[] {
  const folder = modelFolder(root, modelId);
  return modelFiles(dtype).filter((file) => {
    try {
      const stats = fs.statSync(path.join(folder, file));
      return !stats.isFile() || stats.size === 0;
    } catch {
      return true;
    }
  });
}

/** Bytes of every file under `dir` (0 when it does not exist). */
export function folderBytes(dir: string): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(full);
    else if (entry.isFile()) total += fs.statSync(full).size;
  }
  return total;
}

/** A known model and whether the loader would find it. */
export interface ModelListing {
  id: string;
  dimensions: number;
  languages: readonly string[];
  note: string;
  /** EMBEDDING_MODEL names it. */
  configured: boolean;
  /** Every file the configured dtype needs is where the loader looks (MODELS_DIR when set, else the cache). */
  present: boolean;
  /** Which folder that is: `models-dir` or `cache`. */
  location: 'models-dir' | 'cache';
  /** The model's folder there. */
  path: string;
  /** Bytes on disk in that folder (0 when absent). */
  bytes: number;
  /** Files the dtype needs that the folder lacks (all of them when absent). */
  missing: string[];
}

export interface ModelLocations {
  /** MODELS_DIR, or null: then the download cache is where models are loaded from. */
  modelsDir: string | null;
  cacheDir: string;
  dtype: EmbeddingDtype;
  configured: string;
}

/** The folder the loader reads models from: MODELS_DIR when set, else the download cache. */
export function modelsRoot(locations: Pick<ModelLocations, 'modelsDir' | 'cacheDir'>): string {
  return locations.modelsDir ?? locations.cacheDir;
}

/** Every model of the registry, with what is on disk for it. Reads the disk only. */
export function listModels(locations: ModelLocations): ModelListing[] {
  const root = modelsRoot(locations);
  return listModelSpecs().map((spec: EmbeddingModelSpec) => {
    const missing = missingModelFiles(root, spec.id, locations.dtype);
    const folder = modelFolder(root, spec.id);
    return {
      id: spec.id,
      dimensions: spec.dimensions,
      languages: spec.languages,
      note: spec.note,
      configured: spec.id === locations.configured,
      present: missing.length === 0,
      location: locations.modelsDir === null ? 'cache' : 'models-dir',
      path: folder,
      bytes: folderBytes(folder),
      missing,
    };
  });
}
