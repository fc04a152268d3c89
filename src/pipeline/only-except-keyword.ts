import { readCondition } from './condition-keyword.ts';
import { type Diagnostics, reportError } from './diagnostics.ts';
import { checkKeys, childWhere, indexWhere, readSeq, readStringList } from './node-readers.ts';
import type { ConditionSource, RefFilter } from './pipeline-definition.ts';
import { checkRegexPattern, parseRegexLiteral } from './regex-pattern.ts';
import { MAX_PATTERNS } from './rules-keyword.ts';
import { describeNode, mapValue, type YamlNode } from './yaml-node.ts';

const unsupportedKeys = { kubernetes: 'only:kubernetes is not supported' };

/**
 * Reads `only:` or `except:`: a list of refs, or a mapping with `refs`, `variables` (expressions) and
 * `changes` (file patterns). Refs are names, `/regex/flags` patterns (checked now) or keywords such
 * as `branches`, `tags`, `schedules`.
 */
export function readRefFilter(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
): RefFilter | undefined {
  if (node.kind === 'seq') {
    const refs = readRefs(diagnostics, node, where);
    return refs === undefined ? undefined : { refs, variables: null, changes: null };
  }
  if (node.kind !== 'map') {
    reportError(
      diagnostics,
      node.position,
      `${where}: expected a list of refs or a mapping with refs, variables or changes, got ${describeNode(node)}`,
    );
    return undefined;
  }
  const before = diagnostics.errors.length;
  checkKeys(diagnostics, node, where, ['refs', 'variables', 'changes'], unsupportedKeys);
  const refsNode = mapValue(node, 'refs');
  const variablesNode = mapValue(node, 'variables');
  const changesNode = mapValue(node, 'changes');
  const refs = refsNode ? readRefs(diagnostics, refsNode, childWhere(where, 'refs')) : null;
  let variables: ConditionSource[] | null = null;
  if (variablesNode) {
    const seq = readSeq(diagnostics, variablesNode, childWhere(where, 'variables'), 'a list of expressions');
    variables = [];
    seq?.items.forEach((item, index) => {
      const condition = readCondition(diagnostics, item, indexWhere(childWhere(where, 'variables'), index));
      if (condition) variables?.push(condition);
    });
  }
  const changes = changesNode
    ? readStringList(diagnostics, changesNode, childWhere(where, 'changes'), {
        max: MAX_PATTERNS,
        what: 'a list of file patterns',
      })
    : null;
  if (diagnostics.errors.length > before) return undefined;
  return { refs: refs ?? null, variables, changes: changes ?? null };
}

function readRefs(diagnostics: Diagnostics, node: YamlNode, where: string): string[] | undefined {
  const refs = readStringList(diagnostics, node, where, { what: 'a list of refs' });
  if (refs === undefined || node.kind !== 'seq') return undefined;
  let ok = true;
  refs.forEach((ref, index) => {
    const pattern = parseRegexLiteral(ref);
    const problem = pattern ? checkRegexPattern(pattern) : null;
    const item = node.items[index]!;
    if (problem && item.kind === 'scalar') {
      reportError(
        diagnostics,
        item.locate(problem.offset + 1),
        `${indexWhere(where, index)}: ${problem.message}`,
      );
      ok = false;
    }
  });
  return ok ? refs : undefined;
}
