import type { YamlEntry, YamlMap, YamlNode } from './yaml-node.ts';

/**
 * GitLab's merge for `extends:` and `include:`: mappings merge key by key (recursively); lists and
 * scalars in `override` replace those in `base`. Keys keep `base`'s order, new keys follow in
 * `override`'s order. Neither input is modified.
 */
export function deepMerge(base: YamlNode, override: YamlNode): YamlNode {
  if (base.kind !== 'map' || override.kind !== 'map') return override;
  return mergeMaps(base, override);
}

/** `deepMerge` for two mappings. */
export function mergeMaps(base: YamlMap, override: YamlMap): YamlMap {
  const overrides = new Map(override.entries.map((entry) => [entry.key, entry]));
  const entries: YamlEntry[] = base.entries.map((entry) => {
    const replacement = overrides.get(entry.key);
    if (replacement === undefined) return entry;
    overrides.delete(entry.key);
    return {
      key: entry.key,
      keyPosition: replacement.keyPosition,
      value: deepMerge(entry.value, replacement.value),
    };
  });
  for (const entry of override.entries) if (overrides.has(entry.key)) entries.push(entry);
  return { kind: 'map', position: override.position, entries };
}
