import { compareScopeSpecificity, scopeMatches } from './environment-scope.ts';

/**
 * What a Kubernetes Secret accepts as a data key (`IsConfigMapKey`): letters, digits, `-`, `_` and
 * `.`, at most 253 characters. Every such key is also a usable environment variable name for
 * `envFrom`, so one rule serves both ways of consuming the Secret.
 */
export const SECRET_KEY_PATTERN = '^[-._a-zA-Z0-9]{1,253}$';
const KEY = new RegExp(SECRET_KEY_PATTERN);

/**
 * The largest value, in UTF-8 bytes. A Kubernetes Secret holds at most 1 MiB in all; 64 KiB per value
 * leaves room for several certificates or kubeconfigs while keeping one key from filling it alone.
 */
export const MAX_SECRET_VALUE_BYTES = 64 * 1024;

/** Why `key` cannot name a secret, or null when it can. The message repeats no value. */
export function secretKeyProblem(key: string): string | null {
  if (!KEY.test(key)) return 'a secret key has 1 to 253 letters, digits, -, _ or .';
  // Kubernetes refuses these: they would be the directory itself or its parent when mounted as files.
  if (key === '.' || key.startsWith('..')) return 'a secret key must not be . or start with ..';
  return null;
}

/** Why `value` cannot be stored, or null when it can. Never repeats the value. */
export function secretValueProblem(value: string): string | null {
  const bytes = Buffer.byteLength(value, 'utf8');
  return bytes > MAX_SECRET_VALUE_BYTES
    ? `a secret value has at most ${MAX_SECRET_VALUE_BYTES} bytes (64 KiB); this one has ${bytes}`
    : null;
}

/** The fields of a stored secret that decide where it applies. */
export interface ScopedSecret {
  key: string;
  environment_scope: string;
}

/**
 * The secrets an environment receives: for each key, among the scopes matching `environmentName`,
 * the most specific (`compareScopeSpecificity`: the exact name, then wildcard scopes with more
 * literal characters, then `*`). Sorted by key, so callers see the same order whatever the storage
 * order.
 */
export function secretsForEnvironment<T extends ScopedSecret>(
  secrets: readonly T[],
  environmentName: string,
): T[] {
  const chosen = new Map<string, T>();
  for (const secret of secrets) {
    if (!scopeMatches(secret.environment_scope, environmentName)) continue;
    const current = chosen.get(secret.key);
    if (
      current === undefined ||
      compareScopeSpecificity(secret.environment_scope, current.environment_scope, environmentName) > 0
    ) {
      chosen.set(secret.key, secret);
    }
  }
  return [...chosen.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
