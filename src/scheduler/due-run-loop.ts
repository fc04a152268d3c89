import type { ScheduleClock, ScheduleTimer } from './schedule-clock.ts';

/** The longest the loop sleeps before looking again, and how long it waits after a failed look. */
const DEFAULT_MAX_SLEEP_MS = 60 * 60 * 1000;
const DEFAULT_RETRY_MS = 60 * 1000;

/**
 * The timing of a store of cron-timed tasks: sleeps until the earliest next run, runs what is due,
 * and sleeps again. `wake()` after any change re-arms the timer; a wake during a look makes one
 * more look after it. Costs nothing between runs, and never runs two looks at once.
 */
export class DueRunLoop {
  readonly #runDue: (now: Date, stopped: () => boolean) => Promise<void>;
  readonly #earliest: () => Promise<string | null>;
  readonly #clock: ScheduleClock;
  readonly #onError: (error: unknown) => void;
  readonly #maxSleepMs: number;
  readonly #retryMs: number;
  #timer: ScheduleTimer | undefined;
  #cycle: Promise<void> | undefined;
  #again = false;
  #stopped = true;

  constructor(deps: {
    /** Runs everything due at `now`; `stopped()` turns true when the loop is being stopped. */
    runDue: (now: Date, stopped: () => boolean) => Promise<void>;
    /** The earliest next run (ISO-8601) of anything still to run, or null. */
    earliest: () => Promise<string | null>;
    clock: ScheduleClock;
    /** A look that failed as a whole (it is tried again after `retryMs`); never thrown. */
    onError: (error: unknown) => void;
    maxSleepMs?: number;
    retryMs?: number;
  }) {
    this.#runDue = deps.runDue;
    this.#earliest = deps.earliest;
    this.#clock = deps.clock;
    this.#onError = deps.onError;
    this.#maxSleepMs = deps.maxSleepMs ?? DEFAULT_MAX_SLEEP_MS;
    this.#retryMs = deps.retryMs ?? DEFAULT_RETRY_MS;
  }

  /** Runs what is due now (runs missed while stopped, once each) and arms the timer. */
  async start(): Promise<void> {
    this.#stopped = false;
    this.wake();
    await this.idle();
  }

  /** Looks for due runs now and re-arms the timer. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#cycle) {
      this.#again = true;
      return;
    }
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#cycle = this.#run().finally(() => {
      this.#cycle = undefined;
    });
  }

  /** Resolves when no look is in progress. */
  async idle(): Promise<void> {
    while (this.#cycle) await this.#cycle;
  }

  /** Cancels the timer and waits for a look in progress to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    await this.idle();
  }

  async #run(): Promise<void> {
    do {
      this.#again = false;
      let delay: number;
      try {
        await this.#runDue(this.#clock.now(), () => this.#stopped);
        delay = await this.#untilNext();
      } catch (error) {
        this.#onError(error);
        delay = this.#retryMs;
      }
      if (!this.#again && !this.#stopped) this.#arm(delay);
    } while (this.#again && !this.#stopped);
  }

  async #untilNext(): Promise<number> {
    const earliest = await this.#earliest();
    if (earliest === null) return this.#maxSleepMs;
    return Math.min(this.#maxSleepMs, Math.max(0, Date.parse(earliest) - this.#clock.now().getTime()));
  }

  #arm(delayMs: number): void {
    this.#timer?.cancel();
    this.#timer = this.#clock.setTimer(delayMs, () => {
      this.#timer = undefined;
      this.wake();
    });
  }
}
