import type { LogChunk } from '../targets/environment-operations.ts';

/** A live log source: its chunks as they are written, and how to let go of what it holds. */
export interface LiveLogSource {
  chunks: AsyncIterable<LogChunk>;
  /** Called once the source has ended or been abandoned. */
  close(): Promise<void>;
}

/** Receives a shared feed's chunks. Called synchronously: it must never wait (it drops instead). */
export interface LiveLogListener {
  chunk(chunk: LogChunk): void;
  /** The feed ended: its sources ended (`error` undefined) or failed. */
  end(error?: Error): void;
}

interface Feed {
  listeners: Set<LiveLogListener>;
  stop: AbortController;
}

/**
 * One live log feed per key (an environment's deployment and the pod/container asked for), read
 * once at the target's speed and handed to every watcher. Ten browsers following one busy
 * container cost one read of its log, and a slow watcher cannot slow the others: listeners drop
 * what their client cannot take. The feed starts with its first listener and stops with its last.
 */
export class LogFanout {
  readonly #feeds = new Map<string, Feed>();
  readonly #onError: (error: unknown) => void;

  /** `onError` hears of sources that could not be closed. */
  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  /**
   * Adds `listener` to the feed named `key`, starting it with `open` (given the signal that stops
   * it) when no one follows it yet. Returns the function that removes the listener.
   */
  subscribe(
    key: string,
    open: (signal: AbortSignal) => Promise<LiveLogSource>,
    listener: LiveLogListener,
  ): () => void {
    let feed = this.#feeds.get(key);
    if (!feed) {
      const created: Feed = { listeners: new Set(), stop: new AbortController() };
      this.#feeds.set(key, created);
      feed = created;
      void this.#run(key, created, open);
    }
    feed.listeners.add(listener);
    const joined = feed;
    return () => {
      joined.listeners.delete(listener);
      if (joined.listeners.size === 0) this.#end(key, joined);
    };
  }

  /** How many feeds are being read (for tests and metrics). */
  get size(): number {
    return this.#feeds.size;
  }

  async #run(key: string, feed: Feed, open: (signal: AbortSignal) => Promise<LiveLogSource>) {
    let failure: Error | undefined;
    let source: LiveLogSource | undefined;
    try {
      source = await open(feed.stop.signal);
      for await (const chunk of source.chunks) {
        if (feed.stop.signal.aborted) break;
        for (const listener of feed.listeners) listener.chunk(chunk);
      }
    } catch (error) {
      if (!feed.stop.signal.aborted) failure = error instanceof Error ? error : new Error(String(error));
    } finally {
      await source?.close().catch(this.#onError);
    }
    const listeners = [...feed.listeners];
    this.#end(key, feed);
    for (const listener of listeners) listener.end(failure);
  }

  #end(key: string, feed: Feed) {
    if (this.#feeds.get(key) === feed) this.#feeds.delete(key);
    feed.listeners.clear();
    feed.stop.abort();
  }
}
