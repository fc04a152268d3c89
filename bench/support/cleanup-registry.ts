import { progress } from './bench-output.ts';
import { describe } from './describe-error.ts';

/** A resource a benchmark holds, and how to release it. */
export interface Cleanup {
  label: string;
  run: () => Promise<void>;
  /** A synchronous last resort when the process exits with the resource still held. */
  atExit?: () => void;
}

/**
 * Every resource a benchmark takes (servers, runners, databases, temporary directories) registers
 * how to release it; they are released newest first on success, on error and on a signal. A
 * resource may also be released early (a runner between two measurements).
 */
export class CleanupRegistry {
  readonly #entries: Cleanup[] = [];
  readonly #report: (message: string) => void;
  #cleaning: Promise<void> = Promise.resolve();
  #interrupted = false;

  /** `report` receives failed releases and signals; progress on stderr by default. */
  constructor(report: (message: string) => void = progress) {
    this.#report = report;
  }

  /** How many resources are held. */
  get size(): number {
    return this.#entries.length;
  }

  /** Whether SIGINT or SIGTERM arrived (see {@link CleanupRegistry.installProcessHandlers}). */
  get interrupted(): boolean {
    return this.#interrupted;
  }

  /** Registers a resource; the returned function releases it now (once) and forgets it. */
  defer(label: string, run: () => Promise<void>, atExit?: () => void): () => Promise<void> {
    const entry: Cleanup = { label, run, ...(atExit !== undefined && { atExit }) };
    this.#entries.push(entry);
    return async () => {
      const index = this.#entries.indexOf(entry);
      if (index === -1) return;
      this.#entries.splice(index, 1);
      await entry.run();
    };
  }

  /**
   * Releases resources registered after the first `keep` ones, newest first; a failed release is
   * reported and the rest go on. Calls are serialized, so a signal arriving while a run is failing
   * (and cleaning up) never releases anything twice or out of order (runners before the server, the
   * server before its database and data directory).
   */
  cleanUp(keep = 0): Promise<void> {
    this.#cleaning = this.#cleaning.then(async () => {
      while (this.#entries.length > keep) {
        const entry = this.#entries.pop()!;
        try {
          await entry.run();
        } catch (error) {
          this.#report(`cleanup of ${entry.label} failed: ${describe(error)}`);
        }
      }
    });
    return this.#cleaning;
  }

  /** Runs `body`, then releases what it registered (and did not release) whether it succeeded or not. */
  async releasingAfter<T>(body: () => Promise<T>): Promise<T> {
    const mark = this.size;
    try {
      return await body();
    } finally {
      await this.cleanUp(mark);
    }
  }

  /**
   * Makes the process release everything before it ends: each `atExit` runs on exit, and SIGINT or
   * SIGTERM reports `${signal}: ${stopping}`, releases everything and exits with 130.
   */
  installProcessHandlers(stopping: string): void {
    process.on('exit', () => {
      for (const entry of this.#entries.toReversed()) entry.atExit?.();
    });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        if (this.#interrupted) return;
        this.#interrupted = true;
        this.#report(`${signal}: ${stopping}`);
        void this.cleanUp().finally(() => process.exit(130));
      });
    }
  }

  /**
   * Ends the process once `main` settles: everything released, then exit with its code, or with 1
   * after reporting its error. Exiting explicitly matters: keep-alive sockets to a stopped server
   * would otherwise hold the event loop a while.
   */
  exitAfter(main: Promise<number>): void {
    main.then(
      async (code) => {
        await this.cleanUp();
        process.exit(code);
      },
      async (error: unknown) => {
        this.#report(describe(error));
        await this.cleanUp();
        process.exit(1);
      },
    );
  }
}
