import { readCondition } from './condition-keyword.ts';
import { type Diagnostics, reportError } from './diagnostics.ts';
import {
  checkKeys,
  childWhere,
  indexWhere,
  readBoolean,
  readDuration,
  readEnum,
  readMap,
  readSeq,
  readString,
  readStringList,
} from './node-readers.ts';
import type { ChangesCondition, RuleDefinition, RuleWhen } from './pipeline-definition.ts';
import { readVariables } from './variables-keyword.ts';
import { mapValue, type YamlNode } from './yaml-node.ts';

/** The longest `start_in` GitLab accepts. */
export const MAX_START_IN_SECONDS = 7 * 86_400;
/** Most patterns in one `changes:` or `exists:`. */
export const MAX_PATTERNS = 50;

/** The `when:` values of jobs and job rules. */
export const jobWhenValues = ['on_success', 'on_failure', 'always', 'manual', 'delayed', 'never'] as const;
const workflowWhenValues = ['always', 'never'] as const;
const jobRuleKeys = ['if', 'changes', 'exists', 'when', 'allow_failure', 'variables', 'start_in'];
const workflowRuleKeys = ['if', 'changes', 'exists', 'when', 'variables'];
const unsupportedRuleKeys = {
  needs: 'rules:needs is not supported; set needs: on the job',
  interruptible: 'rules:interruptible is not supported; set interruptible: on the job',
  auto_cancel: 'auto_cancel is not supported',
};

/**
 * Reads `rules:` of a job or of `workflow:`. Each rule is a mapping of conditions (`if`, `changes`,
 * `exists`) and results (`when`, `allow_failure`, `variables`, `start_in`); `start_in` goes with
 * `when: delayed` and only with it. `workflow:rules` accept `when: always` or `never` only.
 */
export function readRules(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
  kind: 'job' | 'workflow',
): RuleDefinition[] | undefined {
  const seq = readSeq(diagnostics, node, where, 'a list of rules');
  if (!seq) return undefined;
  const rules: RuleDefinition[] = [];
  let ok = true;
  seq.items.forEach((item, index) => {
    const rule = readRule(diagnostics, item, indexWhere(where, index), kind);
    if (rule) rules.push(rule);
    else ok = false;
  });
  return ok ? rules : undefined;
}

function readRule(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
  kind: 'job' | 'workflow',
): RuleDefinition | undefined {
  const map = readMap(diagnostics, node, where, 'a rule (a mapping with if, changes, exists or when)');
  if (!map) return undefined;
  const before = diagnostics.errors.length;
  checkKeys(diagnostics, map, where, kind === 'job' ? jobRuleKeys : workflowRuleKeys, unsupportedRuleKeys);
  if (map.entries.length === 0) {
    reportError(diagnostics, map.position, `${where}: expected at least one of if, changes, exists or when`);
  }
  const at = (key: string): YamlNode | undefined => mapValue(map, key);
  const ifNode = at('if');
  const changesNode = at('changes');
  const existsNode = at('exists');
  const whenNode = at('when');
  const allowFailureNode = kind === 'job' ? at('allow_failure') : undefined;
  const variablesNode = at('variables');
  const startInNode = kind === 'job' ? at('start_in') : undefined;
  const condition = ifNode ? readCondition(diagnostics, ifNode, childWhere(where, 'if')) : null;
  const changes = changesNode ? readChanges(diagnostics, changesNode, childWhere(where, 'changes')) : null;
  const exists = existsNode
    ? readStringList(diagnostics, existsNode, childWhere(where, 'exists'), {
        max: MAX_PATTERNS,
        what: 'a list of file patterns',
      })
    : null;
  const when: RuleWhen | null | undefined = whenNode
    ? readEnum<RuleWhen>(
        diagnostics,
        whenNode,
        childWhere(where, 'when'),
        kind === 'job' ? jobWhenValues : workflowWhenValues,
      )
    : null;
  const allowFailure = allowFailureNode
    ? readBoolean(diagnostics, allowFailureNode, childWhere(where, 'allow_failure'))
    : null;
  const variables = variablesNode
    ? readVariables(diagnostics, variablesNode, childWhere(where, 'variables'), 'job')
    : [];
  let startInSeconds: number | null | undefined = null;
  if (startInNode) {
    if (when !== 'delayed') {
      reportError(
        diagnostics,
        startInNode.position,
        `${childWhere(where, 'start_in')}: start_in needs when: delayed`,
      );
    } else {
      startInSeconds = readDuration(diagnostics, startInNode, childWhere(where, 'start_in'), {
        maxSeconds: MAX_START_IN_SECONDS,
        maxText: '1 week',
      });
    }
  } else if (when === 'delayed' && whenNode) {
    reportError(diagnostics, whenNode.position, `${childWhere(where, 'when')}: when: delayed needs start_in`);
  }
  if (diagnostics.errors.length > before) return undefined;
  return {
    if: condition ?? null,
    changes: changes ?? null,
    exists: exists ?? null,
    when: when ?? null,
    allowFailure: allowFailure ?? null,
    startInSeconds: startInSeconds ?? null,
    variables,
  };
}

/** `changes:` as a list of patterns or `{paths, compare_to}`. */
export function readChanges(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
): ChangesCondition | undefined {
  if (node.kind === 'map') {
    checkKeys(diagnostics, node, where, ['paths', 'compare_to']);
    const pathsNode = mapValue(node, 'paths');
    const compareNode = mapValue(node, 'compare_to');
    if (!pathsNode) {
      reportError(diagnostics, node.position, `${where}: expected paths: with a list of file patterns`);
      return undefined;
    }
    const paths = readStringList(diagnostics, pathsNode, childWhere(where, 'paths'), {
      max: MAX_PATTERNS,
      what: 'a list of file patterns',
    });
    const compareTo = compareNode
      ? readString(diagnostics, compareNode, childWhere(where, 'compare_to'))
      : null;
    return paths === undefined || compareTo === undefined ? undefined : { paths, compareTo };
  }
  const paths = readStringList(diagnostics, node, where, {
    max: MAX_PATTERNS,
    what: 'a list of file patterns or {paths, compare_to}',
  });
  return paths === undefined ? undefined : { paths, compareTo: null };
}
