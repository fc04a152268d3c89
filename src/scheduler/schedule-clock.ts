/** A pending timer; cancelling one that already fired does nothing. */
export interface ScheduleTimer {
  cancel(): void;
}

/** Time and timers for the schedule runner, injectable so tests never wait for real minutes. */
export interface ScheduleClock {
  now(): Date;
  /** Calls `callback` once after `delayMs` milliseconds. */
  setTimer(delayMs: number, callback: () => void): ScheduleTimer;
}

/** The real clock: `Date` and unreferenced `setTimeout` (a pending schedule never keeps the process alive). */
export const systemClock: ScheduleClock = {
  now: () => new Date(),
  setTimer(delayMs, callback) {
    const handle = setTimeout(callback, delayMs);
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};
