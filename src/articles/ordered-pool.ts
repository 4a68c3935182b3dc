/**
 * Maps items through an async function with at most `concurrency` calls in flight and
 * yields the results in input order. Items are pulled from the source only as slots
 * free up, so a long source never sits in memory all at once.
 */
export async function* mapOrdered<T, R>(
  items: AsyncIterable<T> | Iterable<T>,
  concurrency: number,
  fn: (item: T) => Promise<R>,
): AsyncGenerator<R, void, undefined> {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  const pending: Promise<R>[] = [];
  const next = async (): Promise<R> => {
    const head = pending.shift();
    if (head === undefined) throw new Error('mapOrdered: nothing pending');
    return head;
  };

  for await (const item of items) {
    const result = fn(item);
    // Mark as handled now: a rejection is rethrown when its turn comes, not reported early.
    result.catch(() => undefined);
    pending.push(result);
    if (pending.length >= concurrency) yield await next();
  }
  while (pending.length > 0) yield await next();
}
