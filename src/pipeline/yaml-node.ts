/**
 * The pipeline file as a tree of plain values that remember where they came from. Aliases and merge
 * keys are already resolved; nodes may be shared (an alias reuses its anchor's node), so they are never
 * mutated: merging builds new maps.
 */

/** A 1-based position in one file. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** A string, number, boolean or null. */
export interface YamlScalar {
  kind: 'scalar';
  value: string | number | boolean | null;
  position: SourcePosition;
  /** Position of the character at `index` of a string value (for errors inside `rules:if` expressions). */
  locate: (index: number) => SourcePosition;
}

/** One key of a mapping, with the key's position. */
export interface YamlEntry {
  key: string;
  keyPosition: SourcePosition;
  value: YamlNode;
}

/** A mapping, keys in source order. */
export interface YamlMap {
  kind: 'map';
  position: SourcePosition;
  entries: readonly YamlEntry[];
}

/** A list. */
export interface YamlSeq {
  kind: 'seq';
  position: SourcePosition;
  items: readonly YamlNode[];
}

/** Any value. */
export type YamlNode = YamlScalar | YamlMap | YamlSeq;

/** A scalar without a finer source mapping: every index maps to the scalar's start. */
export function plainScalar(value: YamlScalar['value'], position: SourcePosition): YamlScalar {
  return { kind: 'scalar', value, position, locate: () => position };
}

/** The entry for `key`, if any. */
export function entryOf(map: YamlMap, key: string): YamlEntry | undefined {
  return map.entries.find((entry) => entry.key === key);
}

/** The value for `key`, if any. */
export function mapValue(map: YamlMap, key: string): YamlNode | undefined {
  return entryOf(map, key)?.value;
}

/** A copy of `map` without `key`. */
export function withoutKey(map: YamlMap, key: string): YamlMap {
  return { kind: 'map', position: map.position, entries: map.entries.filter((entry) => entry.key !== key) };
}

/** A short description of a value for "expected X, got Y" messages. */
export function describeNode(node: YamlNode): string {
  if (node.kind === 'map') return 'a mapping';
  if (node.kind === 'seq') return 'a list';
  if (typeof node.value === 'string') {
    const text = node.value.length > 40 ? `${node.value.slice(0, 40)}…` : node.value;
    return JSON.stringify(text);
  }
  return String(node.value);
}
