import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/**
 * A scratch root for one test file, removed when the file's tests end, and a function making a new,
 * uniquely numbered directory under it for each use (test support only).
 */
export function freshDirs(prefix: string): (name: string) => string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(root, { recursive: true, force: true }));
  let counter = 0;
  return (name) => {
    const dir = join(root, `${name}-${counter++}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
}
