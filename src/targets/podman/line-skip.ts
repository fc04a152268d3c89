const NEWLINE = 0x0a;

/**
 * Drops the first lines of a byte stream (the lines before the tail a request wants), passing the
 * rest on unchanged, without holding any of it.
 */
export class LineSkip {
  #left: number;

  constructor(lines: number) {
    this.#left = lines;
  }

  /** What remains of `bytes` once the lines still to drop are dropped (empty while dropping). */
  push(bytes: Uint8Array): Uint8Array {
    let start = 0;
    while (this.#left > 0) {
      const end = bytes.indexOf(NEWLINE, start);
      if (end === -1) return bytes.subarray(bytes.length);
      start = end + 1;
      this.#left -= 1;
    }
    return start === 0 ? bytes : bytes.subarray(start);
  }
}

/** How many lines end in `bytes`. */
export function countLines(bytes: Uint8Array): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) count += 1;
  return count;
}
