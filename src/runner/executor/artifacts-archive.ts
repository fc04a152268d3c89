import { constants, createWriteStream } from 'node:fs';
import { type FileHandle, lstat, open, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { type ArtifactEntry, resolveArtifactPaths } from './artifact-paths.ts';
import { encodeTarHeader, endOfArchive, paddingFor } from './tar-format.ts';

/** What {@link createArtifactsArchive} did. */
export interface ArtifactsArchiveResult {
  /** Files, directories and links archived. */
  entries: number;
  /** Refused paths and paths that matched nothing, one line each, for the job log. */
  warnings: string[];
  /** False when nothing matched: then no archive was written. */
  written: boolean;
}

const READ_CHUNK = 64 * 1024;

/**
 * Builds a gzip-compressed tar archive at `output` from `artifacts:paths` matched in `workspace`
 * (see `resolveArtifactPaths` for what matches and what is refused). Symbolic links are stored as
 * links. Writes nothing when nothing matched. Rejects when the archive cannot be written.
 */
export async function createArtifactsArchive(
  workspace: string,
  paths: readonly string[],
  output: string,
): Promise<ArtifactsArchiveResult> {
  const { entries, warnings } = await resolveArtifactPaths(workspace, paths);
  if (entries.length === 0) return { entries: 0, warnings, written: false };
  try {
    await pipeline(
      Readable.from(tarStream(entries)),
      createGzip(),
      createWriteStream(output, { mode: 0o600 }),
    );
  } catch (error) {
    await rm(output, { force: true });
    throw error;
  }
  return { entries: entries.length, warnings, written: true };
}

async function* tarStream(entries: readonly ArtifactEntry[]): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    if (entry.type !== 'file') {
      const stats = await lstat(entry.source).catch(() => null);
      if (stats === null) continue;
      yield encodeTarHeader({
        path: entry.path,
        type: entry.type,
        size: 0,
        mode: stats.mode,
        mtime: stats.mtimeMs / 1000,
        linkTarget: entry.linkTarget,
      });
      continue;
    }
    // O_NOFOLLOW: a file swapped for a link since it was matched is not followed out of the workspace.
    const handle = await open(entry.source, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => null);
    if (handle === null) continue;
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) continue;
      yield encodeTarHeader({
        path: entry.path,
        type: 'file',
        size: stats.size,
        mode: stats.mode,
        mtime: stats.mtimeMs / 1000,
      });
      yield* fileData(handle, stats.size);
      const padding = paddingFor(stats.size);
      if (padding > 0) yield Buffer.alloc(padding);
    } finally {
      await handle.close();
    }
  }
  yield endOfArchive();
}

/** Exactly `size` bytes of the file: cut off when it grew since its header was written, zero-filled when it shrank. */
async function* fileData(handle: FileHandle, size: number): AsyncGenerator<Buffer> {
  let position = 0;
  while (position < size) {
    const length = Math.min(READ_CHUNK, size - position);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    if (bytesRead === 0) {
      yield Buffer.alloc(size - position);
      return;
    }
    position += bytesRead;
    yield bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
  }
}
