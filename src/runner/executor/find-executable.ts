import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * The absolute path of executable `name` found on `path` (a PATH-style list), or null. A name
 * holding a slash is checked as it is.
 */
export async function findExecutable(
  name: string,
  path: string = process.env.PATH ?? '',
): Promise<string | null> {
  const candidates = name.includes('/')
    ? [name]
    : path
        .split(delimiter)
        .filter((dir) => isAbsolute(dir))
        .map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      // Directories are "executable" too.
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // Not here; try the next directory.
    }
  }
  return null;
}
