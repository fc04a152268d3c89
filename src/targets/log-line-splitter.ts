/** The longest line passed on whole; longer ones are cut, so one endless line cannot fill memory. */
export const MAX_LINE_LENGTH = 64 * 1024;

const TIMESTAMP_PREFIX = /^\d{4}-\d\d-\d\dT\S+ /;

/**
 * Turns the bytes of one timestamped log (`<RFC 3339> <text>\n` per line) into runs of complete
 * lines. Bytes are decoded as UTF-8 across reads, so a character split between two reads stays whole.
 * A line longer than `maxLineLength` is cut; each later piece is given the line's timestamp, so every
 * line passed on still starts with one.
 */
export class LogLineSplitter {
  readonly #decoder = new TextDecoder('utf-8');
  readonly #maxLineLength: number;
  #partial = '';

  constructor(maxLineLength = MAX_LINE_LENGTH) {
    this.#maxLineLength = maxLineLength;
  }

  /** The lines the bytes complete, each ending in `\n`; '' when they complete none. */
  push(bytes: Uint8Array): string {
    const text = this.#partial + this.#decoder.decode(bytes, { stream: true });
    const end = text.lastIndexOf('\n') + 1;
    this.#partial = text.slice(end);
    return text.slice(0, end) + this.#cutLongPartial();
  }

  /** The last line when the log did not end with a newline (given one), else ''. */
  end(): string {
    const rest = this.#partial + this.#decoder.decode();
    this.#partial = '';
    return rest === '' ? '' : `${rest}\n`;
  }

  #cutLongPartial(): string {
    let cut = '';
    while (this.#partial.length > this.#maxLineLength) {
      const stamp = TIMESTAMP_PREFIX.exec(this.#partial)?.[0] ?? '';
      cut += `${this.#partial.slice(0, this.#maxLineLength)}\n`;
      // The stamp is short next to the limit, so each round makes progress.
      this.#partial = stamp + this.#partial.slice(this.#maxLineLength);
    }
    return cut;
  }
}
