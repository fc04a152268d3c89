import { createHash, randomBytes } from 'node:crypto';

/** Prefixes of the secrets Gantry issues; the prefix lets secret scanners recognise a leaked token. */
export const TOKEN_PREFIX = { personal: 'gty_', session: 'gts_' } as const;

/** Generates a new random token with 256 bits of entropy. */
export function generateToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/**
 * Hashes a token for storage. Tokens carry 256 random bits, so a fast hash is enough: unlike
 * passwords they cannot be guessed from a dictionary, and lookups by hash stay indexed.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The first characters of a token, shown in lists so a user can tell tokens apart. */
export function tokenDisplayPrefix(token: string): string {
  return token.slice(0, 8);
}
