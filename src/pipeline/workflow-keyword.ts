import { type Diagnostics, reportError } from './diagnostics.ts';
import { checkKeys, readMap, readString } from './node-readers.ts';
import type { WorkflowDefinition } from './pipeline-definition.ts';
import { readRules } from './rules-keyword.ts';
import { mapValue, type YamlNode } from './yaml-node.ts';

/** Reads `workflow:` — `rules` (when a pipeline is created, and with which variables) and `name`. */
export function readWorkflow(diagnostics: Diagnostics, node: YamlNode | undefined): WorkflowDefinition {
  const workflow: WorkflowDefinition = { name: null, rules: null };
  if (!node) return workflow;
  const map = readMap(diagnostics, node, 'workflow', 'a mapping with rules: or name:');
  if (!map) return workflow;
  checkKeys(diagnostics, map, 'workflow', ['rules', 'name'], {
    auto_cancel: 'workflow:auto_cancel is not supported',
  });
  const nameNode = mapValue(map, 'name');
  if (nameNode) {
    const name = readString(diagnostics, nameNode, 'workflow:name', { what: 'a pipeline name' });
    if (name !== undefined && name.length > 255) {
      reportError(diagnostics, nameNode.position, 'workflow:name: expected at most 255 characters');
    } else if (name !== undefined) workflow.name = name;
  }
  const rulesNode = mapValue(map, 'rules');
  if (rulesNode) workflow.rules = readRules(diagnostics, rulesNode, 'workflow:rules', 'workflow') ?? null;
  return workflow;
}
