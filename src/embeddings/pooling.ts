import type { Pooling } from './models.ts';

/** A model's token vectors for a batch: `data` is row-major [batch, sequence, dimensions]. */
export interface TokenVectors {
  data: ArrayLike<number>;
  dims: readonly number[];
}

/** The attention mask for the same batch, [batch, sequence]: 1 for a real token, 0 for padding. */
export interface TokenMask {
  data: ArrayLike<number | bigint>;
}

/**
 * One vector per text: the mean of its unmasked token vectors, or its first ([CLS]) token
 * vector, optionally scaled to unit length.
 */
export function poolTokenVectors(
  tokens: TokenVectors,
  mask: TokenMask,
  pooling: Pooling,
  normalize: boolean,
): Float32Array[] {
  const [batch, sequence, dimensions] = tokens.dims;
  if (tokens.dims.length !== 3 || batch === undefined || sequence === undefined || dimensions === undefined) {
    throw new Error(`Expected token vectors shaped [batch, sequence, dimensions], got [${tokens.dims.join(', ')}]`);
  }
  const vectors: Float32Array[] = [];
  for (let row = 0; row < batch; row++) {
    const vector = pooling === 'cls'
      ? firstToken(tokens.data, row * sequence * dimensions, dimensions)
      : maskedMean(tokens.data, mask.data, row, sequence, dimensions);
    vectors.push(normalize ? toUnitLength(vector) : vector);
  }
  return vectors;
}

function firstToken(data: ArrayLike<number>, offset: number, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  for (let d = 0; d < dimensions; d++) vector[d] = data[offset + d] ?? 0;
  return vector;
}

function maskedMean(
  data: ArrayLike<number>,
  mask: ArrayLike<number | bigint>,
  row: number,
  sequence: number,
  dimensions: number,
): Float32Array {
  // Accumulate in doubles; the result is rounded to float32 once.
  const sum = new Float64Array(dimensions);
  let count = 0;
  for (let position = 0; position < sequence; position++) {
    if (Number(mask[row * sequence + position] ?? 0) === 0) continue;
    count++;
    const offset = (row * sequence + position) * dimensions;
    for (let d = 0; d < dimensions; d++) sum[d] = (sum[d] ?? 0) + (data[offset + d] ?? 0);
  }
  const vector = new Float32Array(dimensions);
  if (count === 0) return vector;
  for (let d = 0; d < dimensions; d++) vector[d] = (sum[d] ?? 0) / count;
  return vector;
}

function toUnitLength(vector: Float32Array): Float32Array {
  let squares = 0;
  for (const value of vector) squares += value * value;
  const length = Math.sqrt(squares);
  if (length === 0) return vector;
  for (let d = 0; d < vector.length; d++) vector[d] = (vector[d] ?? 0) / length;
  return vector;
}
