import { constants, createReadStream } from 'node:fs';
import { chmod, lstat, mkdir, open, realpath, stat, symlink, unlink, utimes } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import { createGunzip } from 'node:zlib';
import {
  isWithin,
  linkTargetStaysInside,
  normalizeRelativePath,
  resolvePhysically,
} from './contained-path.ts';
import { type TarEntry, TarReader } from './tar-format.ts';

/** An archive entry that would write outside the target directory, or of a kind never extracted. */
export class UnsafeArchiveError extends Error {
  /** The entry's path as stored in the archive. */
  readonly entry: string;

  constructor(entry: string, reason: string) {
    super(`refusing archive entry ${JSON.stringify(entry.slice(0, 256))}: ${reason}`);
    this.name = 'UnsafeArchiveError';
    this.entry = entry;
  }
}

/** Limits for {@link extractArtifacts}. */
export interface ExtractOptions {
  /** Largest total of file bytes extracted; more is refused before anything is written. */
  maxBytes?: number;
  /** Most entries accepted. */
  maxEntries?: number;
}

/** What {@link extractArtifacts} wrote. */
export interface ExtractResult {
  entries: number;
  bytes: number;
}

/**
 * Extracts a gzip-compressed tar artifact archive into `into` (created when missing), merging with
 * what is there. Refuses (with {@link UnsafeArchiveError}) any entry that could reach outside
 * `into`: absolute paths, `..` segments, symbolic links whose target is absolute or climbs out,
 * hard links, devices and FIFOs. The whole archive is checked before anything is written, so such an
 * archive writes nothing. While writing, every parent directory is resolved on disk, so an existing
 * link in `into` (say, one the checked-out repository holds) or one made by an earlier entry cannot
 * carry a later entry outside; links are checked again once all are in place, because a later link
 * can change where an earlier one leads. Files keep their permission bits (without set-id bits) and
 * modification times; ownership is not restored.
 */
export async function extractArtifacts(
  archive: string,
  into: string,
  options: ExtractOptions = {},
): Promise<ExtractResult> {
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const maxEntries = options.maxEntries ?? Number.POSITIVE_INFINITY;
  let bytes = 0;
  let count = 0;
  await forEachEntry(archive, async (entry) => {
    checkEntry(entry);
    count += 1;
    if (entry.type === 'file') bytes += entry.size;
    if (count > maxEntries) throw new UnsafeArchiveError(entry.path, `more than ${maxEntries} entries`);
    if (bytes > maxBytes) throw new UnsafeArchiveError(entry.path, `more than ${maxBytes} bytes in total`);
  });

  await mkdir(into, { recursive: true });
  const root = await realpath(into);
  const links: string[] = [];
  await forEachEntry(archive, async (entry, reader) => {
    const relative = normalizeRelativePath(entry.path);
    if (relative === null)
      throw new UnsafeArchiveError(entry.path, 'path is absolute or leaves the directory');
    const parent = await ensureDirectory(root, posix.dirname(relative), entry.path);
    const target = join(parent, basename(relative));
    const existing = await lstat(target).catch(() => null);
    if (entry.type === 'directory') {
      if (existing === null) await mkdir(target, { mode: 0o755 });
      else if (!(await isDirectoryInside(root, target))) {
        throw new UnsafeArchiveError(entry.path, 'a file of that name is in the way');
      }
      return;
    }
    if (existing?.isDirectory())
      throw new UnsafeArchiveError(entry.path, 'a directory of that name is in the way');
    if (existing !== null) await unlink(target);
    if (entry.type === 'symlink') {
      await symlink(entry.linkTarget, target);
      links.push(target);
      return;
    }
    const mode = entry.mode & 0o777 || 0o644;
    // O_EXCL and O_NOFOLLOW: never write through a link that appeared in between.
    const handle = await open(
      target,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      mode,
    );
    try {
      for await (const chunk of reader.body()) await handle.write(chunk);
    } finally {
      await handle.close();
    }
    await chmod(target, mode);
    await utimes(target, entry.mtime, entry.mtime).catch(() => {});
  });

  for (const link of links) {
    const leadsTo = await resolvePhysically(link).catch(() => null);
    if (leadsTo === null || !isWithin(root, leadsTo)) {
      await unlink(link).catch(() => {});
      throw new UnsafeArchiveError(
        link.slice(root.length + 1),
        'symbolic link leads outside the directory through other links',
      );
    }
  }
  return { entries: count, bytes };
}

/** Refuses, by its header alone, an entry that can never be extracted safely. */
function checkEntry(entry: TarEntry): void {
  const relative = normalizeRelativePath(entry.path);
  if (entry.path.startsWith('/')) throw new UnsafeArchiveError(entry.path, 'absolute path');
  if (relative === null) throw new UnsafeArchiveError(entry.path, 'path leaves the directory or is empty');
  switch (entry.type) {
    case 'file':
    case 'directory':
      return;
    case 'symlink':
      if (!linkTargetStaysInside(relative, entry.linkTarget)) {
        throw new UnsafeArchiveError(
          entry.path,
          `symbolic link to ${JSON.stringify(entry.linkTarget)} points outside`,
        );
      }
      return;
    case 'hardlink':
      throw new UnsafeArchiveError(entry.path, 'hard links are not extracted');
    default:
      throw new UnsafeArchiveError(
        entry.path,
        `entries of type ${JSON.stringify(entry.typeflag)} are not extracted`,
      );
  }
}

async function isDirectoryInside(root: string, path: string): Promise<boolean> {
  const leadsTo = await resolvePhysically(path).catch(() => null);
  if (leadsTo === null || !isWithin(root, leadsTo)) return false;
  return (await stat(leadsTo).catch(() => null))?.isDirectory() ?? false;
}

/**
 * Makes sure `relativeDir` exists under `root`, creating missing directories one at a time and
 * following existing links only while they lead to a directory inside `root`. Returns the real
 * path of the directory.
 */
async function ensureDirectory(root: string, relativeDir: string, entryPath: string): Promise<string> {
  let current = root;
  if (relativeDir === '.' || relativeDir === '') return current;
  for (const segment of relativeDir.split('/')) {
    const next = join(current, segment);
    const stats = await lstat(next).catch(() => null);
    if (stats === null) {
      await mkdir(next, { mode: 0o755 });
      current = next;
    } else if (stats.isDirectory()) {
      current = next;
    } else if (stats.isSymbolicLink()) {
      if (!(await isDirectoryInside(root, next))) {
        throw new UnsafeArchiveError(
          entryPath,
          `${segment} is a link that does not lead to a directory inside`,
        );
      }
      current = await realpath(next);
    } else {
      throw new UnsafeArchiveError(entryPath, `${segment} is a file, not a directory`);
    }
  }
  if (!isWithin(root, current)) {
    throw new UnsafeArchiveError(entryPath, 'leads outside the directory');
  }
  return current;
}

async function forEachEntry(
  archive: string,
  visit: (entry: TarEntry, reader: TarReader) => Promise<void>,
): Promise<void> {
  const source = createReadStream(archive);
  const gunzip = createGunzip();
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  try {
    const reader = new TarReader(gunzip);
    for (let entry = await reader.next(); entry !== null; entry = await reader.next())
      await visit(entry, reader);
  } finally {
    source.destroy();
    gunzip.destroy();
  }
}
