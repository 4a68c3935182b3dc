/**
 * Batches of at most `batchSize` texts, grouped by length: a batch is padded to its longest
 * text, so texts of like length go together (shortest first). Returns the texts' indexes, batch
 * by batch; the caller puts the results back in the texts' own order.
 */
export function lengthBatches(lengths: readonly number[], batchSize: number): number[][] {
  const order = lengths.map((_, index) => index).sort((a, b) => (lengths[a] ?? 0) - (lengths[b] ?? 0) || a - b);
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += batchSize) batches.push(order.slice(start, start + batchSize));
  return batches;
}

/**
 * `run` on each length-grouped batch of `items`, the results returned in the items' own order.
 * `run` must return one result per item of its batch, in the batch's order.
 */
export async function inLengthBatches<T, R>(
  items: readonly T[],
  lengthOf: (item: T) => number,
  batchSize: number,
  run: (batch: T[]) => Promise<R[]>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  for (const indexes of lengthBatches(items.map(lengthOf), batchSize)) {
    const outputs = await run(indexes.map((index) => items[index] as T));
    if (outputs.length !== indexes.length) throw new Error(`expected ${indexes.length} results from a batch, got ${outputs.length}`);
    indexes.forEach((index, position) => {
      results[index] = outputs[position] as R;
    });
  }
  return results;
}

/** Share of the token slots in `batches` that are padding (0 when every batch is of equal lengths). */
export function paddingShare(lengths: readonly number[], batches: readonly (readonly number[])[]): number {
  let slots = 0;
  let used = 0;
  for (const batch of batches) {
    const batchLengths = batch.map((index) => lengths[index] ?? 0);
    slots += Math.max(0, ...batchLengths) * batch.length;
    used += batchLengths.reduce((sum, length) => sum + length, 0);
  }
  return slots === 0 ? 0 : 1 - used / slots;
}
