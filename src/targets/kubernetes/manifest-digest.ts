import { createHash } from 'node:crypto';
import { type KubeObject, refKey, refOf } from './kube-object.ts';

/**
 * A SHA-256 (hex) of a manifest set that ignores object order and key order: equal digests mean
 * the same objects with the same content, so a re-deploy of an unchanged set or a drift check can
 * compare one string. Give it the redacted set (see `redactSecrets`): its Secret digests are keyed,
 * while this hash is not.
 */
export function manifestDigest(objects: readonly KubeObject[]): string {
  const sorted = objects
    .map((object) => [refKey(refOf(object)), canonicalJson(object)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const hash = createHash('sha256');
  for (const [, json] of sorted) hash.update(json).update('\n');
  return hash.digest('hex');
}

/** JSON with every object's keys sorted, so equal values give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
