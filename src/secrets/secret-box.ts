import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { GantryError } from '../domain/errors.ts';

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A 32-byte AES-256 key and its id, which every ciphertext carries so keys can be rotated. */
export interface SecretKey {
  id: string;
  key: Buffer;
}

/** Derives a key's id: the first 8 hex digits of SHA-256 of the key, stable and not revealing it. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * Encrypts and decrypts secrets at rest with AES-256-GCM. A ciphertext reads
 * `v1:<key id>:<base64 of iv ‖ tag ‖ data>`. The `context` (for example `project:12:mirror_password`)
 * is authenticated but not stored: a ciphertext copied into another row fails to decrypt.
 */
export class SecretBox {
  readonly #primary: SecretKey;
  readonly #keys: Map<string, Buffer>;

  /**
   * @param primary the key new secrets are encrypted with.
   * @param older retired keys still accepted for decryption during a rotation.
   */
  constructor(primary: Buffer, older: Buffer[] = []) {
    for (const key of [primary, ...older]) {
      if (key.length !== 32)
        throw new GantryError('bad_request', `secret key must be 32 bytes, got ${key.length}`);
    }
    this.#primary = { id: keyIdOf(primary), key: primary };
    this.#keys = new Map([primary, ...older].map((key) => [keyIdOf(key), key]));
  }

  get keyId(): string {
    return this.#primary.id;
  }

  /**
   * A keyed digest (HMAC-SHA256 under the primary key, hex) of a value: tells whether secret values
   * changed without storing them or anything an attacker could check guesses against offline.
   */
  digest(value: string, context: string): string {
    return createHmac('sha256', this.#primary.key).update(context).update('\0').update(value).digest('hex');
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#primary.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const payload = Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
    return `${FORMAT}:${this.#primary.id}:${payload}`;
  }

  decrypt(ciphertext: string, context: string): string {
    const [format, keyId, payload] = ciphertext.split(':');
    if (format !== FORMAT || keyId === undefined || payload === undefined) {
      throw new GantryError('internal', 'stored secret is not in the v1:<key id>:<data> format');
    }
    const key = this.#keys.get(keyId);
    if (!key) throw new GantryError('internal', `stored secret was encrypted with unknown key ${keyId}`);
    const raw = Buffer.from(payload, 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new GantryError('internal', 'stored secret is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new GantryError(
        'internal',
        'stored secret failed authentication (wrong key, context or tampered data)',
      );
    }
  }
}
