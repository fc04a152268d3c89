import { bytesDigests, CHECKSUM_ALGORITHMS, type FileDigests } from './maven-checksums.ts';
import type { RepositoryBody, RepositoryClient } from './repository-client.ts';

/** A file to store in a repository, with its digests (for the checksum files beside it). */
export interface PendingUpload {
  path: string;
  body: () => Promise<RepositoryBody>;
  digests: FileDigests;
}

const utf8 = new TextEncoder();

/** Text to store at `path` (metadata, a generated POM). */
export function inMemory(path: string, text: string): PendingUpload {
  const bytes = utf8.encode(text);
  return { path, body: async () => bytes, digests: bytesDigests(bytes) };
}

/** The text of bytes read from a repository. */
export function decode(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** Stores a file and its `.md5`, `.sha1`, `.sha256` and `.sha512` beside it. */
export async function putWithChecksums(
  client: RepositoryClient,
  upload: PendingUpload,
  signal: AbortSignal,
): Promise<void> {
  signal.throwIfAborted();
  await client.put(upload.path, await upload.body(), signal);
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    await client.put(`${upload.path}.${algorithm}`, utf8.encode(upload.digests.checksums[algorithm]), signal);
  }
}
