import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** The checksum files written beside every file, by extension (`app-1.0.jar.sha1`): what Maven 3 and 4 check. */
export const CHECKSUM_ALGORITHMS = ['md5', 'sha1', 'sha256', 'sha512'] as const;

export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** Hex digests of one file's content, and its size in bytes. */
export interface FileDigests {
  size: number;
  checksums: Record<ChecksumAlgorithm, string>;
}

function digestsOf(hashes: Hash[], size: number): FileDigests {
  const checksums = Object.fromEntries(
    CHECKSUM_ALGORITHMS.map((algorithm, index) => [algorithm, hashes[index]?.digest('hex')]),
  ) as Record<ChecksumAlgorithm, string>;
  return { size, checksums };
}

/** The digests of bytes in memory (metadata, a generated POM). */
export function bytesDigests(bytes: Uint8Array): FileDigests {
  const hashes = CHECKSUM_ALGORITHMS.map((algorithm) => createHash(algorithm).update(bytes));
  return digestsOf(hashes, bytes.byteLength);
}

/** The digests of a local file, read once as a stream (artifacts may be far larger than memory allows). */
export async function fileDigests(path: string, signal?: AbortSignal): Promise<FileDigests> {
  const hashes = CHECKSUM_ALGORITHMS.map((algorithm) => createHash(algorithm));
  let size = 0;
  for await (const chunk of createReadStream(path, { signal }) as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    for (const hash of hashes) hash.update(chunk);
  }
  return digestsOf(hashes, size);
}
