import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GantryError } from '../domain/errors.ts';

/**
 * Job artifact archives on disk (`<dir>/<job id>.tar.gz`). An upload is written to a temporary
 * file and renamed into place only when complete and within the size limit, so a broken or
 * oversized upload never replaces a good archive.
 */
export class ArtifactStore {
  readonly #dir: string;
  readonly #maxBytes: number;

  constructor(dir: string, maxBytes: number) {
    this.#dir = dir;
    this.#maxBytes = maxBytes;
  }

  async init(): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
  }

  fileName(jobId: number): string {
    return `${jobId}.tar.gz`;
  }

  async save(jobId: number, body: Readable): Promise<{ file: string; size: number; sha256: string }> {
    const file = this.fileName(jobId);
    const temporary = join(this.#dir, `.upload-${jobId}-${randomBytes(6).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    const max = this.#maxBytes;
    const output = createWriteStream(temporary, { mode: 0o600 });
    try {
      await pipeline(
        body,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            size += chunk.length;
            if (size > max) throw new GantryError('payload_too_large', `artifacts larger than ${max} bytes`);
            hash.update(chunk);
            yield chunk;
          }
        },
        output,
      );
      await rename(temporary, join(this.#dir, file));
    } catch (error) {
      // The stream opens its file lazily: wait until it is closed, or the file could appear after rm.
      // (events.once would reject on the stream's 'error', which carries this same error.)
      if (!output.closed) await new Promise<void>((resolve) => output.once('close', () => resolve()));
      await rm(temporary, { force: true });
      throw error;
    }
    return { file, size, sha256: hash.digest('hex') };
  }

  /** Where an archive is on disk (for readers that need a path, such as extraction). */
  pathOf(file: string): string {
    return join(this.#dir, file);
  }

  open(file: string): Readable {
    return createReadStream(join(this.#dir, file));
  }

  async remove(file: string): Promise<void> {
    await rm(join(this.#dir, file), { force: true });
  }
}
