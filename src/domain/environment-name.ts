import { GantryError } from './errors.ts';

const MAX_LENGTH = 255;
// GitLab's environment name rule: letters, digits, spaces and `- _ / $ { } .`, with no `/` at
// either end (a leading or trailing `/` would make an empty folder or an empty last segment).
const NAME = /^[A-Za-z0-9_${}. -]([A-Za-z0-9_/${}. -]*[A-Za-z0-9_${}. -])?$/;
const ALLOWED =
  "can contain only letters, digits, '-', '_', '/', '$', '{', '}', '.', and spaces, but it cannot start nor end with '/'";

/**
 * Checks an environment name as GitLab does: 1 to 255 characters, not blank, only letters, digits,
 * spaces and `- _ / $ { } .`, and neither starting nor ending with `/`.
 * @throws GantryError('validation_failed') naming the bad name and what is allowed.
 */
export function validateEnvironmentName(name: string): void {
  const fail = (why: string): never => {
    throw new GantryError('validation_failed', `invalid environment name "${name}": ${why}`, [
      { path: '/name', message: why },
    ]);
  };
  if (name.length === 0 || name.length > MAX_LENGTH) fail(`must be 1 to ${MAX_LENGTH} characters`);
  // GitLab requires the name to be present, and a name of spaces only is not.
  if (name.trim() === '') fail('must not be blank');
  if (!NAME.test(name)) fail(ALLOWED);
}

/**
 * The folder an environment is grouped under in lists: the first path segment of a name holding
 * `/` (`review/feature-x` → `review`), or null for a top-level environment.
 */
export function environmentFolder(name: string): string | null {
  const slash = name.indexOf('/');
  return slash === -1 ? null : name.slice(0, slash);
}
