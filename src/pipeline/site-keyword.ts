import { type Diagnostics, reportError } from './diagnostics.ts';
import { childWhere, readBoolean, readMap, readString } from './node-readers.ts';
import type { SiteSpec } from './pipeline-definition.ts';
import { mapValue, type YamlMap, type YamlNode } from './yaml-node.ts';

/** The keys of `deploy:` that say how files are published to a bucket (S3 targets). */
export const SITE_KEYS = ['cache_control', 'content_types', 'delete_removed'] as const;

const EXTENSION = /^\.?[A-Za-z0-9][A-Za-z0-9._+-]{0,31}$/;
const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(?:\s*;\s*[a-z0-9-]+=[^;]+)*$/i;

/**
 * Reads the bucket keys of a `deploy:` mapping: `cache_control` (glob → Cache-Control value, the
 * first match wins, in file order), `content_types` (extension → media type, over the built-in
 * table) and `delete_removed` (delete live files the new release no longer has; default false);
 * null when none is given, undefined after an error (reported).
 */
export function readSite(diagnostics: Diagnostics, map: YamlMap, where: string): SiteSpec | null | undefined {
  if (!SITE_KEYS.some((key) => mapValue(map, key) !== undefined)) return null;
  const before = diagnostics.errors.length;
  const cacheNode = mapValue(map, 'cache_control');
  const cacheControl = cacheNode
    ? readPairs(
        diagnostics,
        cacheNode,
        childWhere(where, 'cache_control'),
        'a mapping of globs to Cache-Control values',
        (value, at) => (/[\r\n]/.test(value) ? `${at}: expected a one-line Cache-Control value` : undefined),
      )
    : [];
  const typesNode = mapValue(map, 'content_types');
  const types = typesNode
    ? readPairs(
        diagnostics,
        typesNode,
        childWhere(where, 'content_types'),
        'a mapping of extensions to media types',
        (value, at, key) =>
          !EXTENSION.test(key)
            ? `${at}: expected a file extension such as .webmanifest, got "${key}"`
            : !MEDIA_TYPE.test(value)
              ? `${at}: expected a media type such as application/manifest+json, got "${value}"`
              : undefined,
      )
    : [];
  const deleteNode = mapValue(map, 'delete_removed');
  const deleteRemoved = deleteNode
    ? readBoolean(diagnostics, deleteNode, childWhere(where, 'delete_removed'))
    : false;
  if (diagnostics.errors.length > before || !cacheControl || !types || deleteRemoved === undefined)
    return undefined;
  return {
    cacheControl: cacheControl.map(([pattern, value]) => ({ pattern, value })),
    contentTypes: Object.fromEntries(types.map(([extension, type]) => [extension.replace(/^\./, ''), type])),
    deleteRemoved,
  };
}

/** A mapping of string keys to string values, in file order; `problem` checks each pair. */
function readPairs(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
  what: string,
  problem: (value: string, at: string, key: string) => string | undefined,
): [string, string][] | undefined {
  const map = readMap(diagnostics, node, where, what);
  if (!map) return undefined;
  const pairs: [string, string][] = [];
  for (const entry of map.entries) {
    const at = childWhere(where, entry.key);
    const value = readString(diagnostics, entry.value, at);
    if (value === undefined) continue;
    const wrong = problem(value, at, entry.key);
    if (wrong) reportError(diagnostics, entry.value.position, wrong);
    else pairs.push([entry.key, value]);
  }
  return pairs;
}
