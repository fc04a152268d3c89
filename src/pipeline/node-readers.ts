import { type Diagnostics, reportError } from './diagnostics.ts';
import { parseDuration } from './duration.ts';
import { describeNode, type YamlMap, type YamlNode, type YamlSeq } from './yaml-node.ts';

/**
 * Small readers that check one value's type and report "<where>: expected X, got Y" at the value's
 * position. Each returns undefined after reporting, so callers keep going and find every problem.
 * `where` names the value: `job "build" retry:max`, `workflow:rules[0]:if`, `stages`.
 */

/** `where` extended by a keyword. */
export function childWhere(where: string, key: string): string {
  if (where === '') return key;
  return where.endsWith('"') ? `${where} ${key}` : `${where}:${key}`;
}

/** `where` extended by a list index. */
export function indexWhere(where: string, index: number): string {
  return `${where}[${index}]`;
}

function expected(diagnostics: Diagnostics, node: YamlNode, where: string, what: string): undefined {
  reportError(diagnostics, node.position, `${where}: expected ${what}, got ${describeNode(node)}`);
  return undefined;
}

/** A mapping. */
export function readMap(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
  what = 'a mapping',
): YamlMap | undefined {
  return node.kind === 'map' ? node : expected(diagnostics, node, where, what);
}

/** A list. */
export function readSeq(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
  what = 'a list',
): YamlSeq | undefined {
  return node.kind === 'seq' ? node : expected(diagnostics, node, where, what);
}

/** A string (non-empty unless `allowEmpty`). */
export function readString(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
  options: { allowEmpty?: boolean; what?: string } = {},
): string | undefined {
  const what = options.what ?? (options.allowEmpty ? 'a string' : 'a non-empty string');
  if (node.kind !== 'scalar' || typeof node.value !== 'string')
    return expected(diagnostics, node, where, what);
  if (!options.allowEmpty && node.value.trim() === '') return expected(diagnostics, node, where, what);
  return node.value;
}

/** true or false. */
export function readBoolean(diagnostics: Diagnostics, node: YamlNode, where: string): boolean | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'boolean') return node.value;
  return expected(diagnostics, node, where, 'true or false');
}

/** An integer in [min, max]. */
export function readInteger(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
  min: number,
  max: number,
): number | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'number' && Number.isInteger(node.value)) {
    if (node.value >= min && node.value <= max) return node.value;
  }
  return expected(diagnostics, node, where, `an integer from ${min} to ${max}`);
}

/** One of `values`. */
export function readEnum<T extends string>(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
  values: readonly T[],
): T | undefined {
  if (
    node.kind === 'scalar' &&
    typeof node.value === 'string' &&
    (values as readonly string[]).includes(node.value)
  ) {
    return node.value as T;
  }
  return expected(diagnostics, node, where, `one of ${values.join(', ')}`);
}

/** A list of non-empty strings (a single string too when `allowSingle`), at most `max` long. */
export function readStringList(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
  options: { allowSingle?: boolean; max?: number; what?: string } = {},
): string[] | undefined {
  const what = options.what ?? (options.allowSingle ? 'a string or a list of strings' : 'a list of strings');
  if (options.allowSingle && node.kind === 'scalar' && typeof node.value === 'string') {
    return readString(diagnostics, node, where, { what }) === undefined ? undefined : [node.value];
  }
  if (node.kind !== 'seq') return expected(diagnostics, node, where, what);
  if (options.max !== undefined && node.items.length > options.max) {
    reportError(
      diagnostics,
      node.position,
      `${where}: expected at most ${options.max} entries, got ${node.items.length}`,
    );
    return undefined;
  }
  const values: string[] = [];
  let ok = true;
  node.items.forEach((item, index) => {
    const value = readString(diagnostics, item, indexWhere(where, index));
    if (value === undefined) ok = false;
    else values.push(value);
  });
  return ok ? values : undefined;
}

/**
 * Shell commands (`script`, `before_script`, `after_script`): a string, or a list of strings and
 * nested lists (from YAML anchors) up to 10 levels deep, flattened as GitLab does.
 */
export function readCommands(diagnostics: Diagnostics, node: YamlNode, where: string): string[] | undefined {
  const what = 'a string or a list of strings';
  if (node.kind === 'scalar' && typeof node.value === 'string') return [node.value];
  if (node.kind !== 'seq') return expected(diagnostics, node, where, what);
  const commands: string[] = [];
  let ok = true;
  const walk = (seq: YamlSeq, path: string, depth: number): void => {
    seq.items.forEach((item, index) => {
      const itemWhere = indexWhere(path, index);
      if (item.kind === 'scalar' && typeof item.value === 'string') commands.push(item.value);
      else if (item.kind === 'seq' && depth < 10) walk(item, itemWhere, depth + 1);
      else {
        ok = false;
        expected(
          diagnostics,
          item,
          itemWhere,
          depth < 10 ? 'a string or a nested list of strings' : 'a string (lists nest at most 10 levels)',
        );
      }
    });
  };
  walk(node, where, 1);
  return ok ? commands : undefined;
}

/**
 * A duration in GitLab's human format (or a number of seconds), as whole seconds; `never` gives
 * null where `allowNever`. Zero is rejected unless `allowZero`.
 */
export function readDuration(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
  options: { allowNever?: boolean; allowZero?: boolean; maxSeconds?: number; maxText?: string } = {},
): number | null | undefined {
  const what = `a duration such as "30 minutes", "1h 30m" or "2 days"${options.allowNever ? ', or never' : ''}`;
  let seconds: number | null = null;
  if (
    node.kind === 'scalar' &&
    typeof node.value === 'number' &&
    Number.isInteger(node.value) &&
    node.value >= 0
  ) {
    seconds = node.value;
  } else if (node.kind === 'scalar' && typeof node.value === 'string') {
    if (options.allowNever && node.value.trim().toLowerCase() === 'never') return null;
    seconds = parseDuration(node.value);
  }
  if (seconds === null || (seconds === 0 && !options.allowZero))
    return expected(diagnostics, node, where, what);
  if (options.maxSeconds !== undefined && seconds > options.maxSeconds) {
    return expected(
      diagnostics,
      node,
      where,
      `a duration of at most ${options.maxText ?? `${options.maxSeconds} seconds`}`,
    );
  }
  return seconds;
}

/**
 * Reports every key of `map` that is not in `allowed`: keys in `unsupported` (GitLab keywords Gantry
 * does not implement) with their reason, others as unknown with a suggestion or the allowed list.
 */
export function checkKeys(
  diagnostics: Diagnostics,
  map: YamlMap,
  where: string,
  allowed: readonly string[],
  unsupported: Readonly<Record<string, string>> = {},
): void {
  for (const entry of map.entries) {
    if (allowed.includes(entry.key)) continue;
    const prefix = where === '' ? '' : `${where}: `;
    const reason = Object.hasOwn(unsupported, entry.key) ? unsupported[entry.key] : undefined;
    if (reason !== undefined) {
      reportError(diagnostics, entry.keyPosition, `${prefix}unsupported keyword "${entry.key}": ${reason}`);
      continue;
    }
    const suggestion = closest(entry.key, allowed);
    const hint = suggestion ? ` (did you mean "${suggestion}"?)` : `; expected one of ${allowed.join(', ')}`;
    reportError(diagnostics, entry.keyPosition, `${prefix}unknown keyword "${entry.key}"${hint}`);
  }
}

/** The candidate within edit distance 2 (and less than half the word) of `word`, if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(3, Math.ceil(word.length / 2));
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3 || a.length > 64) return 99;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}
