import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CleanupRegistry } from './cleanup-registry.ts';

/** A temporary directory registered for removal, and the function that removes it early. */
export interface TemporaryDirectory {
  path: string;
  release: () => Promise<void>;
}

/**
 * Creates a directory under the system's temporary directory, named `prefix` and random characters,
 * and registers its removal as `label` (synchronously too, if the process exits holding it).
 */
export async function temporaryDirectory(
  cleanup: CleanupRegistry,
  prefix: string,
  label: string,
): Promise<TemporaryDirectory> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  const release = cleanup.defer(
    label,
    () => rm(path, { recursive: true, force: true, maxRetries: 3 }),
    () => rmSync(path, { recursive: true, force: true }),
  );
  return { path, release };
}
