import { mergeMaps } from './deep-merge.ts';
import { type Diagnostics, reportError } from './diagnostics.ts';
import { childWhere, indexWhere } from './node-readers.ts';
import { describeNode, entryOf, withoutKey, type YamlMap, type YamlNode } from './yaml-node.ts';

/** Longest `extends` chain: a job, its parent, the parent's parent… ten levels up. */
export const MAX_EXTENDS_DEPTH = 10;

interface Resolved {
  map: YamlMap;
  /** Levels of `extends` above this job. */
  height: number;
  /** Already reported as too deep (so descendants do not report it again). */
  tooDeep: boolean;
}

/**
 * Resolves `extends:` for the jobs named in `targets`, GitLab-style: each parent (a job or a hidden
 * job, itself resolved first) is deep-merged in the order listed, then the job's own keys on top;
 * `extends` is removed from the result. Unknown parents, parents that are not mappings, cycles and
 * chains deeper than ten levels are reported at the `extends` value; the job is then resolved from the
 * parents that could be used.
 */
export function resolveExtends(
  diagnostics: Diagnostics,
  definitions: ReadonlyMap<string, YamlNode>,
  targets: readonly string[],
): Map<string, YamlMap> {
  const memo = new Map<string, Resolved>();

  const resolve = (name: string, map: YamlMap, stack: readonly string[]): Resolved => {
    const known = memo.get(name);
    if (known) return known;
    const where = childWhere(`job "${name}"`, 'extends');
    const extendsEntry = entryOf(map, 'extends');
    const own = withoutKey(map, 'extends');
    if (extendsEntry === undefined) return remember(name, { map: own, height: 0, tooDeep: false });
    let merged: YamlMap | null = null;
    let height = 0;
    let tooDeep = false;
    for (const [parent, parentWhere, position] of parentNames(diagnostics, extendsEntry.value, where)) {
      if (stack.includes(parent)) {
        const cycle = [...stack.slice(stack.indexOf(parent)), parent].join(' → ');
        reportError(diagnostics, position, `${parentWhere}: circular extends ${cycle}`);
        continue;
      }
      const parentNode = definitions.get(parent);
      if (parentNode === undefined) {
        reportError(diagnostics, position, `${parentWhere}: job "${parent}" is not defined`);
        continue;
      }
      if (parentNode.kind !== 'map') {
        reportError(
          diagnostics,
          position,
          `${parentWhere}: "${parent}" is ${describeNode(parentNode)}, not a job (a mapping)`,
        );
        continue;
      }
      const resolved = resolve(parent, parentNode, [...stack, parent]);
      height = Math.max(height, resolved.height + 1);
      tooDeep ||= resolved.tooDeep;
      merged = merged ? mergeMaps(merged, resolved.map) : resolved.map;
    }
    if (height > MAX_EXTENDS_DEPTH && !tooDeep) {
      tooDeep = true;
      reportError(
        diagnostics,
        extendsEntry.value.position,
        `${where}: extends nest deeper than ${MAX_EXTENDS_DEPTH} levels`,
      );
    }
    return remember(name, { map: merged ? mergeMaps(merged, own) : own, height, tooDeep });
  };

  const remember = (name: string, resolved: Resolved): Resolved => {
    memo.set(name, resolved);
    return resolved;
  };

  const result = new Map<string, YamlMap>();
  for (const name of targets) {
    const node = definitions.get(name);
    if (node?.kind === 'map') result.set(name, resolve(name, node, [name]).map);
  }
  return result;
}

function parentNames(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
): Array<[string, string, YamlNode['position']]> {
  const what = 'a job name or a list of job names';
  if (node.kind === 'scalar' && typeof node.value === 'string' && node.value !== '') {
    return [[node.value, where, node.position]];
  }
  if (node.kind === 'seq' && node.items.length > 0) {
    const names: Array<[string, string, YamlNode['position']]> = [];
    node.items.forEach((item, index) => {
      if (item.kind === 'scalar' && typeof item.value === 'string' && item.value !== '') {
        names.push([item.value, indexWhere(where, index), item.position]);
      } else {
        reportError(
          diagnostics,
          item.position,
          `${indexWhere(where, index)}: expected a job name, got ${describeNode(item)}`,
        );
      }
    });
    return names;
  }
  reportError(diagnostics, node.position, `${where}: expected ${what}, got ${describeNode(node)}`);
  return [];
}
