import { type Diagnostics, reportError } from './diagnostics.ts';
import { checkKeys, childWhere, readBoolean, readMap, readString, readStringList } from './node-readers.ts';
import type { VariableDefinition } from './pipeline-definition.ts';
import { describeNode, mapValue, type YamlNode } from './yaml-node.ts';

const globalKeys = ['value', 'description', 'expand', 'options'] as const;
const jobKeys = ['value', 'expand'] as const;
const topLevelOnly = {
  description: 'description: is only allowed in top-level variables',
  options: 'options: is only allowed in top-level variables',
};

/**
 * Reads `variables:`: names of letters, digits and `_`; values that are strings or numbers (numbers
 * become their decimal text, as GitLab does), or `{value, expand}` — plus `description` and `options`
 * at the top level. Booleans and nulls are rejected: quote them.
 */
export function readVariables(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
  scope: 'global' | 'job',
): VariableDefinition[] {
  const map = readMap(diagnostics, node, where, 'a mapping of variable names to values');
  if (!map) return [];
  const variables: VariableDefinition[] = [];
  for (const entry of map.entries) {
    const entryWhere = childWhere(where, entry.key);
    if (!/^[A-Za-z0-9_]+$/.test(entry.key)) {
      reportError(
        diagnostics,
        entry.keyPosition,
        `${entryWhere}: a variable name may contain only letters, digits and _`,
      );
      continue;
    }
    const variable = readVariable(diagnostics, entry.value, entryWhere, scope);
    if (variable) variables.push({ name: entry.key, ...variable });
  }
  return variables;
}

function readVariable(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
  scope: 'global' | 'job',
): Omit<VariableDefinition, 'name'> | undefined {
  if (node.kind === 'map') {
    checkKeys(
      diagnostics,
      node,
      where,
      scope === 'global' ? globalKeys : jobKeys,
      scope === 'global' ? {} : topLevelOnly,
    );
    const valueNode = mapValue(node, 'value');
    const value =
      valueNode === undefined ? '' : scalarValue(diagnostics, valueNode, childWhere(where, 'value'));
    const expandNode = mapValue(node, 'expand');
    const expand =
      expandNode === undefined ? true : readBoolean(diagnostics, expandNode, childWhere(where, 'expand'));
    const descriptionNode = scope === 'global' ? mapValue(node, 'description') : undefined;
    const description =
      descriptionNode === undefined
        ? null
        : readString(diagnostics, descriptionNode, childWhere(where, 'description'), { allowEmpty: true });
    const optionsNode = scope === 'global' ? mapValue(node, 'options') : undefined;
    const options =
      optionsNode === undefined ? null : readOptions(diagnostics, optionsNode, childWhere(where, 'options'));
    if (value === undefined || expand === undefined || description === undefined || options === undefined)
      return undefined;
    if (options !== null && !options.includes(value)) {
      reportError(
        diagnostics,
        (valueNode ?? node).position,
        `${where}: value ${JSON.stringify(value)} must be one of options`,
      );
      return undefined;
    }
    return { value, expand, description, options };
  }
  const value = scalarValue(diagnostics, node, where);
  return value === undefined ? undefined : { value, expand: true, description: null, options: null };
}

function readOptions(diagnostics: Diagnostics, node: YamlNode, where: string): string[] | undefined {
  if (node.kind === 'seq') {
    const values = node.items.map((item, index) => scalarValue(diagnostics, item, `${where}[${index}]`));
    return values.every((value) => value !== undefined) ? (values as string[]) : undefined;
  }
  return readStringList(diagnostics, node, where);
}

function scalarValue(diagnostics: Diagnostics, node: YamlNode, where: string): string | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'string') return node.value;
  if (node.kind === 'scalar' && typeof node.value === 'number' && Number.isFinite(node.value))
    return String(node.value);
  const hint =
    node.kind === 'scalar' && typeof node.value === 'boolean' ? ` (quote it: "${node.value}")` : '';
  reportError(
    diagnostics,
    node.position,
    `${where}: expected a string or a number, got ${describeNode(node)}${hint}`,
  );
  return undefined;
}
