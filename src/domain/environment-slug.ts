import { createHash } from 'node:crypto';

// OpenShift limits some names to 24 characters; GitLab keeps slugs within that.
const MAX_LENGTH = 24;
const SHORTENED_LENGTH = 17;

/**
 * GitLab's environment slug (`CI_ENVIRONMENT_SLUG`): lowercase letters, digits and `-` only,
 * starting with a letter, at most 24 characters, not ending in `-`. Lowercase the name, turn every
 * character outside `a-z0-9` into `-`, prefix `env-` unless it starts with a letter, squeeze runs
 * of `-`. A result that differs from the name or is too long is cut to 17 characters and given a
 * `-` and a 6-character suffix from the SHA-256 of the name, since slugifying can make two
 * environment names (unique) collide. Matches GitLab's `Gitlab::Slug::Environment`, so slugs, and
 * the URLs and Kubernetes names built from them, stay the same for projects moving over.
 */
export function environmentSlug(name: string): string {
  let slug = name.toLowerCase().replace(/[^a-z0-9]/g, '-');
  // The prefix comes before squeezing, so `-foo` becomes `env-foo`, as in GitLab.
  if (!/^[a-z]/.test(slug)) slug = `env-${slug}`;
  slug = slug.replace(/-{2,}/g, '-');
  // GitLab compares before dropping a trailing `-`: `foo-` becomes `foo` with no suffix.
  if (slug.length > MAX_LENGTH || slug !== name) {
    return `${slug.slice(0, SHORTENED_LENGTH).replace(/-$/, '')}-${suffix(name)}`;
  }
  return slug.replace(/-$/, '');
}

/** The last 6 base-36 digits of the SHA-256 of the name read as one big number, as GitLab does. */
function suffix(name: string): string {
  const hex = createHash('sha256').update(name, 'utf8').digest('hex');
  return BigInt(`0x${hex}`).toString(36).slice(-6);
}
