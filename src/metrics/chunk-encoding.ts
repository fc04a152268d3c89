/**
 * A chunk's slots as text, so SQLite and PostgreSQL store and return it alike: base64 of
 * little-endian IEEE 754 doubles, NaN marking a slot without a value. Trailing empty slots are
 * left out (the chunk being filled grows as it is written), so decoding pads with NaN.
 */

const BYTES_PER_SLOT = 8;

/** An empty chunk of `slots` slots. */
export function emptyChunk(slots: number): Float64Array {
  return new Float64Array(slots).fill(Number.NaN);
}

/** Encodes a chunk, leaving out trailing empty slots. */
export function encodeChunk(values: Float64Array): string {
  let length = values.length;
  while (length > 0 && Number.isNaN(values[length - 1])) length--;
  const bytes = Buffer.alloc(length * BYTES_PER_SLOT);
  for (let i = 0; i < length; i++) bytes.writeDoubleLE(values[i]!, i * BYTES_PER_SLOT);
  return bytes.toString('base64');
}

/**
 * Decodes a chunk of `slots` slots.
 * @throws Error when the text is not whole slots, or more of them than the chunk has.
 */
export function decodeChunk(text: string, slots: number): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % BYTES_PER_SLOT !== 0 || bytes.length > slots * BYTES_PER_SLOT) {
    throw new Error(
      `a metrics chunk must hold at most ${slots} 8-byte slots in base64, got ${bytes.length} bytes`,
    );
  }
  const values = emptyChunk(slots);
  for (let i = 0; i < bytes.length / BYTES_PER_SLOT; i++) values[i] = bytes.readDoubleLE(i * BYTES_PER_SLOT);
  return values;
}
