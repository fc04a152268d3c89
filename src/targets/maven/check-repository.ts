import { randomBytes } from 'node:crypto';
import { GantryError } from '../../domain/errors.ts';
import { type MavenRepository, RepositoryClient } from './repository-client.ts';

/** Where the probe file goes: outside any group path a real artifact could use (ids cannot start with '.'). */
export const PROBE_DIRECTORY = '.gantry-check';

/**
 * Checks, on registration, that a repository can take publications: PUT of a small probe file under
 * `.gantry-check/` with the credentials, then its DELETE. A repository that refuses the DELETE (many
 * managers only let deployers add) passes: publishing never deletes.
 * @returns null when the repository is reachable and accepts the credentials for writing, else a
 * sentence saying what is wrong.
 */
export async function checkRepository(
  repository: MavenRepository,
  options: { signal: AbortSignal },
): Promise<string | null> {
  const client = new RepositoryClient(repository);
  const path = `${PROBE_DIRECTORY}/probe-${randomBytes(6).toString('hex')}.txt`;
  try {
    await client.put(
      path,
      new TextEncoder().encode('Gantry checks that it may publish here.\n'),
      options.signal,
    );
  } catch (error) {
    if (error instanceof GantryError) return error.message;
    throw error;
  }
  await client.delete(path, options.signal).catch(() => {});
  return null;
}
