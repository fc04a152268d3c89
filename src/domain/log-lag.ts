/**
 * How far behind a live log is running, by its lines' timestamps. The source's clock may differ
 * from ours (a remote host, a node), so a line's lag is measured against the quickest line seen
 * so far: `received − written` minus the least such difference, which is the clocks' offset plus
 * the shortest delivery.
 */
export class LogLag {
  #least: bigint | undefined;

  /** Nanoseconds the line written at `written` (its timestamp) runs behind, received at `now`. */
  behind(written: bigint, now: bigint): bigint {
    const delay = now - written;
    if (this.#least === undefined || delay < this.#least) this.#least = delay;
    return delay - this.#least;
  }
}
