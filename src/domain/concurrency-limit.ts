import { GantryError } from './errors.ts';

/**
 * At most `max` things at once per key (a user's open shells, a user's log streams): `acquire`
 * returns the function that gives the slot back, or throws too_many_requests naming `what`.
 */
export class ConcurrencyLimit {
  readonly #max: number;
  readonly #what: string;
  readonly #held = new Map<string, number>();

  constructor(max: number, what: string) {
    this.#max = max;
    this.#what = what;
  }

  acquire(key: string): () => void {
    const held = this.#held.get(key) ?? 0;
    if (held >= this.#max) {
      throw new GantryError(
        'too_many_requests',
        `at most ${this.#max} ${this.#what} at once per user: close one and try again`,
      );
    }
    this.#held.set(key, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#held.get(key) ?? 1) - 1;
      if (left === 0) this.#held.delete(key);
      else this.#held.set(key, left);
    };
  }
}
