import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { GantryError } from '../domain/errors.ts';

/**
 * Parses a key given as 64 hex digits or base64 of 32 bytes (`openssl rand -base64 32`).
 * @throws GantryError saying which forms are accepted.
 */
export function parseSecretKey(text: string, origin: string): Buffer {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  const decoded = Buffer.from(value, 'base64');
  if (decoded.length === 32 && /^[A-Za-z0-9+/]+={0,2}$/.test(value)) return decoded;
  throw new GantryError(
    'bad_request',
    `${origin} must hold a 32-byte key as 64 hex digits or base64 (e.g. from "openssl rand -base64 32")`,
  );
}

/**
 * Loads the key from `path`, creating it with mode 0600 when absent. Refuses a key file that
 * others can read, as ssh does with private keys: a leaked key exposes every stored secret.
 */
export function loadOrCreateKeyFile(path: string): Buffer {
  if (!existsSync(path)) {
    writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new GantryError(
      'bad_request',
      `secret key file ${path} has mode ${mode.toString(8)}; it must not be readable by group or others (chmod 600)`,
    );
  }
  return parseSecretKey(readFileSync(path, 'utf8'), `secret key file ${path}`);
}
