const MASK = Buffer.from('[MASKED]');

/**
 * Replaces secret values with `[MASKED]` in a log that arrives in chunks. A secret may be split
 * across chunks, so the last `longest − 1` bytes are held back until more arrives (or `end()`),
 * and never written unmasked. Secrets shorter than 4 bytes are ignored: masking them would garble
 * the log and protect nothing.
 */
export class LogMasker {
  readonly #secrets: Buffer[];
  readonly #holdBack: number;
  #pending: Buffer = Buffer.alloc(0);

  constructor(secrets: Iterable<string>) {
    const unique = [...new Set([...secrets].filter((s) => Buffer.byteLength(s) >= 4))];
    // Longest first, so a secret containing another is masked whole.
    this.#secrets = unique.map((s) => Buffer.from(s)).sort((a, b) => b.length - a.length);
    this.#holdBack = Math.max(0, ...this.#secrets.map((s) => s.length - 1));
  }

  /** Masks a chunk; returns the bytes that are safe to store now. */
  push(chunk: Buffer): Buffer {
    if (this.#secrets.length === 0) return chunk;
    const data = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const { output, safeEnd } = this.#mask(data, data.length - this.#holdBack);
    this.#pending = data.subarray(safeEnd);
    return output;
  }

  /** Masks and returns whatever was held back; call once when the log ends. */
  end(): Buffer {
    const data = this.#pending;
    this.#pending = Buffer.alloc(0);
    return this.#mask(data, data.length).output;
  }

  /**
   * Masks every secret that starts before `limit` (extending past it if needed) and returns the
   * masked bytes up to where it stopped, plus that position in the input.
   */
  #mask(data: Buffer, limit: number): { output: Buffer; safeEnd: number } {
    const parts: Buffer[] = [];
    let position = 0;
    while (position < limit) {
      let found = -1;
      let secret: Buffer | undefined;
      for (const candidate of this.#secrets) {
        const at = data.indexOf(candidate, position);
        if (at !== -1 && at < limit && (found === -1 || at < found)) {
          found = at;
          secret = candidate;
        }
      }
      if (secret === undefined) break;
      parts.push(data.subarray(position, found), MASK);
      position = found + secret.length;
    }
    const end = Math.max(position, limit);
    parts.push(data.subarray(position, end));
    return { output: Buffer.concat(parts), safeEnd: end };
  }
}
