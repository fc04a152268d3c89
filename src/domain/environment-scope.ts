/** The scope that applies to every job, with or without an environment. */
export const ALL_ENVIRONMENTS = '*';

/**
 * An environment scope as GitLab accepts it: an environment name (letters, digits, spaces and
 * `- _ / $ { } .`), where `*` matches any characters, 1 to 255 characters.
 */
export const ENVIRONMENT_SCOPE_PATTERN = '^[A-Za-z0-9_/$\\{\\}. *-]{1,255}$';
const SCOPE = new RegExp(ENVIRONMENT_SCOPE_PATTERN);

/** Whether a string is a valid environment scope. */
export function isValidEnvironmentScope(scope: string): boolean {
  return SCOPE.test(scope) && scope.trim() === scope;
}

/**
 * Whether a variable scoped to `scope` applies to a job deploying to `environmentName` (null: the
 * job has no environment). As GitLab: `*` applies to every job; any other scope applies only to
 * jobs with an environment, where `*` inside it matches any characters, `/` included.
 */
export function scopeMatches(scope: string, environmentName: string | null): boolean {
  if (scope === ALL_ENVIRONMENTS) return true;
  if (environmentName === null) return false;
  if (scope === environmentName) return true;
  if (!scope.includes('*')) return false;
  const pattern = scope
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`, 's').test(environmentName);
}

/**
 * Orders two scopes that both match `environmentName` from least to most specific (negative when
 * `a` is less specific): `*` first, then wildcard scopes, then the exact name, as GitLab ranks them.
 * GitLab leaves the order of two matching wildcard scopes unspecified; Gantry prefers the one with
 * more literal characters (`review/app-*` over `review/*`), then the lexically smaller, so the
 * choice never depends on storage order.
 */
export function compareScopeSpecificity(a: string, b: string, environmentName: string | null): number {
  const rank = (scope: string) => (scope === ALL_ENVIRONMENTS ? 0 : scope === environmentName ? 2 : 1);
  const byRank = rank(a) - rank(b);
  if (byRank !== 0) return byRank;
  const literal = (scope: string) => scope.replaceAll('*', '').length;
  const byLiteral = literal(a) - literal(b);
  if (byLiteral !== 0) return byLiteral;
  return a < b ? 1 : a > b ? -1 : 0;
}
