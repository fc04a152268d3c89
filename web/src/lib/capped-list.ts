/**
 * A list that keeps only its newest `capacity` items: appending past the cap drops the oldest, so
 * memory stays bounded however long a stream runs. Indexes count from the oldest item kept; the
 * number dropped so far lets a view keep what it shows in place as the items under it move up.
 */
export class CappedList<T> {
  readonly capacity: number;
  /** A ring: the oldest item kept is at `#start`. */
  readonly #items: T[] = [];
  #start = 0;
  #dropped = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
  }

  /** Items kept. */
  get length(): number {
    return this.#items.length;
  }

  /** Items dropped from the front since the list was made. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Appends one item, dropping the oldest when the list is full. */
  push(item: T): void {
    if (this.#items.length < this.capacity) {
      this.#items.push(item);
      return;
    }
    this.#items[this.#start] = item;
    this.#start = (this.#start + 1) % this.capacity;
    this.#dropped++;
  }

  /** Item `index` (0 = the oldest kept). */
  at(index: number): T {
    if (!Number.isInteger(index) || index < 0 || index >= this.#items.length)
      throw new RangeError(`item ${index} is outside the list (${this.#items.length} items)`);
    return this.#items[(this.#start + index) % this.#items.length]!;
  }

  /** The newest item, if any. */
  last(): T | undefined {
    return this.#items.length === 0 ? undefined : this.at(this.#items.length - 1);
  }

  /** Replaces the newest item (a marker that grows, such as a count of skipped lines). */
  replaceLast(item: T): void {
    if (this.#items.length === 0) throw new RangeError('replaceLast on an empty list');
    this.#items[(this.#start + this.#items.length - 1) % this.#items.length] = item;
  }
}
