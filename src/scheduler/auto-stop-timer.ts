import type { EnvironmentRepository } from '../store/repositories/environment-repository.ts';

// setTimeout cannot wait longer than 2^31 − 1 ms; a later time re-arms when this one fires.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Stops environments when their `auto_stop_in` has passed. The time is `environments.auto_stop_at`
 * in the database, so a restart loses nothing: on start the timer arms for the earliest one, and
 * anything already due is stopped at once.
 */
export class AutoStopTimer {
  readonly #environments: EnvironmentRepository;
  readonly #stopDue: (now: Date) => Promise<number>;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;

  constructor(deps: {
    environments: EnvironmentRepository;
    /** Stops what is due now; returns how many (a full batch means look again at once). */
    stopDue: (now: Date) => Promise<number>;
    onError: (error: unknown) => void;
  }) {
    this.#environments = deps.environments;
    this.#stopDue = deps.stopDue;
    this.#onError = deps.onError;
  }

  start(): void {
    this.#stopped = false;
    this.arm();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /** Re-reads the earliest auto-stop time; call whenever one may have changed. */
  arm(): void {
    if (this.#stopped) return;
    void this.#environments
      .nextAutoStopAt()
      .then((next) => {
        clearTimeout(this.#timer);
        if (next === undefined || this.#stopped) return;
        const wait = Math.min(Math.max(0, Date.parse(next) - Date.now()), MAX_TIMEOUT_MS);
        this.#timer = setTimeout(() => void this.#fire(), wait);
        this.#timer.unref();
      })
      .catch(this.#onError);
  }

  async #fire(): Promise<void> {
    try {
      await this.#stopDue(new Date());
    } catch (error) {
      this.#onError(error);
    } finally {
      this.arm();
    }
  }
}
