/** What a source's `next()` settled with. */
type Settled<T> =
  | { source: AsyncIterator<T>; result: IteratorResult<T> }
  | { source: AsyncIterator<T>; error: unknown };

/**
 * Several async iterables read as one, values in the order they arrive. Each source is asked for its
 * next value only once the previous one has been taken by the consumer, so at most one value per
 * source waits here and a consumer that stops pulling stops every source (back-pressure). Sources may
 * be added while it is being read; it ends once {@link close} was called and every source has ended.
 * A source's error ends it with that error. One consumer only.
 */
export class MergedIterators<T> implements AsyncIterable<T> {
  readonly #sources = new Set<AsyncIterator<T>>();
  /** Sources to ask for their next value, when the consumer next pulls. */
  readonly #idle: AsyncIterator<T>[] = [];
  /** Settled `next()` calls, oldest first (at most one per source). */
  readonly #settled: Settled<T>[] = [];
  #wake: (() => void) | undefined;
  #closed = false;

  /** Starts reading `source` (ignored once the merge has ended). */
  add(source: AsyncIterable<T>): void {
    if (this.#closed && this.#sources.size === 0) return;
    const iterator = source[Symbol.asyncIterator]();
    this.#sources.add(iterator);
    this.#idle.push(iterator);
    this.#notify();
  }

  /** No source will be added any more. */
  close(): void {
    this.#closed = true;
    this.#notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    try {
      for (;;) {
        for (const source of this.#idle.splice(0)) this.#request(source);
        const settled = this.#settled.shift();
        if (!settled) {
          if (this.#closed && this.#sources.size === 0) return;
          await new Promise<void>((resolve) => {
            this.#wake = resolve;
          });
          continue;
        }
        if ('error' in settled) throw settled.error;
        if (settled.result.done) {
          this.#sources.delete(settled.source);
          continue;
        }
        this.#idle.push(settled.source);
        yield settled.result.value;
      }
    } finally {
      this.#closed = true;
      for (const source of this.#sources) {
        // A source busy reading finishes that read first; its owner aborts the read itself.
        source.return?.().catch(() => {});
      }
      this.#sources.clear();
    }
  }

  #request(source: AsyncIterator<T>): void {
    source.next().then(
      (result) => this.#settle({ source, result }),
      (error: unknown) => this.#settle({ source, error }),
    );
  }

  #settle(settled: Settled<T>): void {
    this.#settled.push(settled);
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
