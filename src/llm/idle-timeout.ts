/** Time limits on a reply that arrives in pieces: each piece must come within the idle time of the last. */

/** Nothing arrived within the idle time; the request behind it has been aborted. */
export class IdleTimeoutError extends Error {
  override readonly name = 'IdleTimeoutError';

  readonly idleMs: number;

  constructor(idleMs: number) {
    super(`Nothing arrived within ${idleMs} ms`);
    this.idleMs = idleMs;
  }
}

/**
 * `pending`, unless `ms` pass first: then `controller` is aborted (stopping the request behind
 * `pending`) and IdleTimeoutError is thrown.
 */
export async function within<T>(pending: Promise<T>, ms: number, controller: AbortController): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new IdleTimeoutError(ms));
    }, ms);
  });
  try {
    return await Promise.race([pending, expired]);
  } finally {
    clearTimeout(timer);
    // When time ran out, `pending` still settles (usually rejecting, once aborted): nobody wants it.
    pending.catch(() => undefined);
  }
}

/**
 * The items of `source`, each within `idleMs` of the previous one (the first within `idleMs` of
 * the start): a stream may run as long as it keeps sending. When it falls silent, `controller` is
 * aborted and IdleTimeoutError thrown. A consumer that stops early aborts `controller` too, so
 * the request behind the stream does not run on unread.
 */
export async function* withIdleTimeout<T>(
  source: AsyncIterable<T>,
  idleMs: number,
  controller: AbortController,
): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      const next = await within(iterator.next(), idleMs, controller);
      if (next.done === true) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    if (!finished) {
      controller.abort();
      // Not awaited: after a timeout the source may still be settling its last read.
      void Promise.resolve(iterator.return?.()).catch(() => undefined);
    }
  }
}
