/**
 * Runs a round of work on request, one round at a time: a request while a round runs makes one
 * more round after it (however many requests came), so no request is lost and rounds never
 * overlap. A failed round is reported and does not stop later ones.
 */
export class CoalescedRounds {
  readonly #round: () => Promise<void>;
  readonly #onError: (error: unknown) => void;
  #running: Promise<void> | null = null;
  #again = false;

  constructor(round: () => Promise<void>, onError: (error: unknown) => void) {
    this.#round = round;
    this.#onError = onError;
  }

  /** Starts a round now, or one more after the current one. */
  request(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = null;
    });
  }

  /** Resolves when no round is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      await this.#round().catch((error: unknown) => this.#onError(error));
    } while (this.#again);
  }
}
