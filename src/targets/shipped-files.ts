import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ShippedFile } from '../domain/deployment-snapshot.ts';

/** Every regular file under `dir`, with size and SHA-256, in path order. */
export async function shippedFiles(dir: string): Promise<ShippedFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: ShippedFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
    }
    files.push({ path: relative(dir, path).split('\\').join('/'), size, sha256: hash.digest('hex') });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}
