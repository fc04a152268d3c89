/** At most this much output waits for a session's first listener; more is dropped. */
export const MAX_HELD_BYTES = 1024 * 1024;

/**
 * A terminal's output handed to its listeners in order. What arrives before the first listener
 * (a shell's prompt, written while the session is being handed over) is held for it, up to
 * {@link MAX_HELD_BYTES}.
 */
export class TerminalOutput {
  readonly #listeners: ((data: Uint8Array) => void)[] = [];
  #held: Uint8Array[] = [];
  #heldBytes = 0;

  push(data: Uint8Array): void {
    if (this.#listeners.length > 0) {
      for (const listener of this.#listeners) listener(data);
      return;
    }
    if (this.#heldBytes + data.length > MAX_HELD_BYTES) return;
    this.#held.push(data);
    this.#heldBytes += data.length;
  }

  listen(listener: (data: Uint8Array) => void): void {
    this.#listeners.push(listener);
    const held = this.#held;
    this.#held = [];
    this.#heldBytes = 0;
    for (const data of held) listener(data);
  }
}
