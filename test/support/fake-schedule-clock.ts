import type { ScheduleClock, ScheduleTimer } from '../../src/scheduler/schedule-clock.ts';

/** A schedule clock whose time moves only when a test sets it, firing the timers that come due. */
export class FakeScheduleClock implements ScheduleClock {
  #now: number;
  readonly #timers: Array<{ at: number; callback: () => void; cancelled: boolean }> = [];

  constructor(start: string) {
    this.#now = Date.parse(start);
  }

  now(): Date {
    return new Date(this.#now);
  }

  setTimer(delayMs: number, callback: () => void): ScheduleTimer {
    const timer = { at: this.#now + delayMs, callback, cancelled: false };
    this.#timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** When the pending timers fire, as ISO timestamps. */
  pending(): string[] {
    return this.#timers.filter((t) => !t.cancelled).map((t) => new Date(t.at).toISOString());
  }

  /** Moves the time to `iso` and fires every pending timer due by then. */
  set(iso: string): void {
    this.#now = Date.parse(iso);
    for (const timer of this.#timers.filter((t) => !t.cancelled && t.at <= this.#now)) {
      timer.cancelled = true;
      timer.callback();
    }
  }
}
