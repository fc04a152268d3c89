import type { Stats } from 'node:fs';
import { type FileHandle, open, realpath } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, sep } from 'node:path';

/** Content types of the files a Vite build writes, by lower-case extension. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

/** The content type to serve a file with; unknown extensions are opaque bytes, never sniffed. */
export function contentTypeOf(fileName: string): string {
  return CONTENT_TYPES[extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The decoded segments of a URL path (query removed, empty segments dropped), or null when the path
 * tries to climb out of where it is served from: a `.` or `..` step, also percent-encoded or inside
 * a segment with an encoded `/` or `\`, or malformed percent-encoding.
 */
export function staticPathSegments(url: string): string[] | null {
  const path = url.split('?', 1)[0] ?? '';
  const segments: string[] = [];
  for (const raw of path.split('/')) {
    if (raw === '') continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment.split(/[/\\]/).some((step) => step === '.' || step === '..')) return null;
    segments.push(segment);
  }
  return segments;
}

/**
 * The file that path segments name under `root`, or undefined when they name no file: no segments,
 * or a segment that is no file name (an encoded `/` or `\`, a NUL byte), such as an app route's
 * `review%2Fapp`.
 */
export function fileIn(root: string, segments: readonly string[]): string | undefined {
  if (segments.length === 0 || segments.some((segment) => /[/\\\0]/.test(segment))) return undefined;
  return join(root, ...segments);
}

/** An open regular file and what fstat said about it; closing the handle is the caller's. */
export interface OpenFile {
  handle: FileHandle;
  stats: Stats;
}

/** Error codes meaning "there is no file here to serve" rather than a broken server. */
const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG', 'ELOOP']);

/** Whether the resolved path `real` lies below the resolved directory `realRoot`. */
function isBelow(realRoot: string, real: string): boolean {
  const path = relative(realRoot, real);
  return path !== '' && !isAbsolute(path) && path.split(sep)[0] !== '..';
}

/**
 * Opens `path` when it is a regular file below `root`; undefined when it is absent, something else
 * (a directory), or reached through a symbolic link leading out of `root`: a link in the served
 * directory must not publish the rest of the disk. The resolved file is opened before it is
 * examined, so what is served is what was checked even while a new build replaces the directory.
 * @throws the open error when the file exists but cannot be read (permissions, I/O).
 */
export async function openRegularFile(path: string, root: string): Promise<OpenFile | undefined> {
  let handle: FileHandle;
  try {
    const real = await realpath(path);
    if (!isBelow(await realpath(root), real)) return undefined;
    handle = await open(real, 'r');
  } catch (error) {
    if (ABSENT.has((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (stats.isFile()) return { handle, stats };
  } catch (error) {
    await handle.close();
    throw error;
  }
  await handle.close();
  return undefined;
}
