import { GantryError } from '../../domain/errors.ts';
import { apiGroupOf, describeRef, type KubeObject, refKey, refOf } from './kube-object.ts';

/** What a redacted Secret value starts with; the rest is the keyed digest of the value. */
export const REDACTED_PREFIX = 'gantry:redacted:';

/** Secret values taken out of a manifest set: Secret `refKey` → data key → base64 value. */
export type SecretValues = Record<string, Record<string, string>>;

const SECRET_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'type', 'immutable', 'data', 'stringData']);
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

const isSecret = (object: KubeObject) => apiGroupOf(object.apiVersion) === '' && object.kind === 'Secret';

/**
 * Takes the values out of every Secret, for a snapshot that can be shown: each value of `data`
 * and `stringData` becomes `gantry:redacted:<digest of its base64 value>` under `data` (stringData
 * is base64-encoded and wins over data, as the API server merges them), and the values are returned
 * apart, for the caller to store encrypted. Equal values give equal digests, so a changed secret
 * still changes the snapshot and its `manifestDigest`.
 * @param objects rendered objects with their namespace filled in (see `defaultNamespaces`).
 * @param digest a keyed digest, such as the server's `SecretBox.digest`: a plain hash would let
 *   anyone who reads a snapshot test guesses of a weak password offline.
 * @throws GantryError('validation_failed') for a Secret value that is not a string (the message
 *   never holds the value).
 */
export function redactSecrets(
  objects: readonly KubeObject[],
  digest: (base64Value: string) => string,
): { redacted: KubeObject[]; values: SecretValues } {
  const values: SecretValues = {};
  const redacted = objects.map((object) => {
    if (!isSecret(object)) return object;
    for (const field of Object.keys(object)) {
      if (!SECRET_FIELDS.has(field))
        throw new GantryError(
          'validation_failed',
          `${describeRef(refOf(object))}: a Secret has no field "${field}"`,
        );
    }
    const data = { ...stringsOf(object, 'data') };
    for (const [key, value] of Object.entries(stringsOf(object, 'stringData'))) {
      data[key] = Buffer.from(value, 'utf8').toString('base64');
    }
    values[refKey(refOf(object))] = data;
    const copy = structuredClone(object);
    delete copy.stringData;
    if (copy.metadata.annotations) delete copy.metadata.annotations[LAST_APPLIED];
    copy.data = Object.fromEntries(
      Object.entries(data).map(([key, value]) => [key, REDACTED_PREFIX + digest(value)]),
    );
    return copy;
  });
  return { redacted, values };
}

/**
 * Puts the values taken by {@link redactSecrets} back into copies of the redacted Secrets, all under
 * `data`, for applying a stored snapshot again (rollback, re-deploy).
 * @throws Error naming the Secret and key when a redacted value has no stored value.
 */
export function restoreSecrets(
  redacted: readonly KubeObject[],
  values: Readonly<SecretValues>,
): KubeObject[] {
  return redacted.map((object) => {
    if (!isSecret(object)) return object;
    const stored = values[refKey(refOf(object))] ?? {};
    const copy = structuredClone(object);
    copy.data = Object.fromEntries(
      Object.keys(stringsOf(object, 'data')).map((key) => {
        const restored = stored[key];
        if (restored === undefined) {
          throw new Error(`the stored values of ${describeRef(refOf(object))} lack its key ${key}`);
        }
        return [key, restored];
      }),
    );
    return copy;
  });
}

function stringsOf(secret: KubeObject, field: 'data' | 'stringData'): Record<string, string> {
  const map = secret[field];
  if (map === undefined || map === null) return {};
  if (typeof map !== 'object' || Array.isArray(map)) {
    throw new GantryError(
      'validation_failed',
      `${describeRef(refOf(secret))}: ${field} must be a mapping of keys to strings`,
    );
  }
  for (const [key, value] of Object.entries(map)) {
    if (typeof value !== 'string') {
      throw new GantryError(
        'validation_failed',
        `${describeRef(refOf(secret))}: ${field}.${key} must be a string, got ${value === null ? 'null' : `a ${typeof value}`}; quote it in the YAML`,
      );
    }
  }
  return map as Record<string, string>;
}
