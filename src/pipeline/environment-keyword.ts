import { type Diagnostics, reportError } from './diagnostics.ts';
import { checkKeys, childWhere, readDuration, readEnum, readMap, readString } from './node-readers.ts';
import type { DeploymentTier, EnvironmentAction, EnvironmentDefinition } from './pipeline-definition.ts';
import { mapValue, type YamlNode } from './yaml-node.ts';

/** What a job does to its environment (`environment:action`). */
export const environmentActions: readonly EnvironmentAction[] = [
  'start',
  'prepare',
  'verify',
  'access',
  'stop',
];
/** GitLab's `environment:deployment_tier` values. */
export const deploymentTiers: readonly DeploymentTier[] = [
  'production',
  'staging',
  'testing',
  'development',
  'other',
];

const keys = ['name', 'url', 'action', 'on_stop', 'auto_stop_in', 'deployment_tier', 'kubernetes'];
const kubernetesUnsupported = {
  agent: 'only kubernetes:namespace is supported',
  flux_resource_path: 'only kubernetes:namespace is supported',
  dashboard: 'only kubernetes:namespace is supported',
};

/**
 * Reads `environment:` — a name, or `{name, url, action, on_stop, auto_stop_in, deployment_tier,
 * kubernetes: {namespace}}`. Names use GitLab's characters (letters, digits, spaces and `-_/${}.`,
 * not starting or ending with `/`); `$VARIABLES` in name and url stay unexpanded for the server.
 * Whether `on_stop` names a suitable job is checked once all jobs are known.
 */
export function readEnvironment(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
): EnvironmentDefinition | undefined {
  const base: EnvironmentDefinition = {
    name: '',
    url: null,
    action: 'start',
    onStop: null,
    autoStopInSeconds: null,
    deploymentTier: null,
    kubernetesNamespace: null,
  };
  if (node.kind === 'scalar' && typeof node.value === 'string') {
    const name = readName(diagnostics, node, where);
    return name === undefined ? undefined : { ...base, name };
  }
  const map = readMap(diagnostics, node, where, 'an environment name or a mapping with name:');
  if (!map) return undefined;
  const before = diagnostics.errors.length;
  checkKeys(diagnostics, map, where, keys);
  const at = (key: string) => mapValue(map, key);
  const nameNode = at('name');
  if (!nameNode)
    reportError(diagnostics, map.position, `${where}: expected name: with the environment's name`);
  const name = nameNode ? readName(diagnostics, nameNode, childWhere(where, 'name')) : undefined;
  const urlNode = at('url');
  const url = urlNode ? readString(diagnostics, urlNode, childWhere(where, 'url')) : null;
  const actionNode = at('action');
  const action = actionNode
    ? readEnum(diagnostics, actionNode, childWhere(where, 'action'), environmentActions)
    : 'start';
  const onStopNode = at('on_stop');
  const onStop = onStopNode
    ? readString(diagnostics, onStopNode, childWhere(where, 'on_stop'), { what: 'a job name' })
    : null;
  const autoStopNode = at('auto_stop_in');
  const autoStopInSeconds = autoStopNode
    ? readDuration(diagnostics, autoStopNode, childWhere(where, 'auto_stop_in'), { allowNever: true })
    : null;
  const tierNode = at('deployment_tier');
  const deploymentTier = tierNode
    ? readEnum(diagnostics, tierNode, childWhere(where, 'deployment_tier'), deploymentTiers)
    : null;
  const kubernetesNode = at('kubernetes');
  let kubernetesNamespace: string | null | undefined = null;
  if (kubernetesNode) {
    const kubernetesWhere = childWhere(where, 'kubernetes');
    const kubernetes = readMap(diagnostics, kubernetesNode, kubernetesWhere, 'a mapping with namespace:');
    if (kubernetes) {
      checkKeys(diagnostics, kubernetes, kubernetesWhere, ['namespace'], kubernetesUnsupported);
      const namespaceNode = mapValue(kubernetes, 'namespace');
      kubernetesNamespace = namespaceNode
        ? readString(diagnostics, namespaceNode, childWhere(kubernetesWhere, 'namespace'))
        : null;
    }
  }
  if (diagnostics.errors.length > before || name === undefined) return undefined;
  return {
    name,
    url: url ?? null,
    action: action ?? 'start',
    onStop: onStop ?? null,
    autoStopInSeconds: autoStopInSeconds ?? null,
    deploymentTier: deploymentTier ?? null,
    kubernetesNamespace: kubernetesNamespace ?? null,
  };
}

function readName(diagnostics: Diagnostics, node: YamlNode, where: string): string | undefined {
  const name = readString(diagnostics, node, where, { what: 'an environment name' });
  if (name === undefined) return undefined;
  if (
    name.length > 255 ||
    !/^[a-zA-Z0-9 _\-/${}.]+$/.test(name) ||
    name.startsWith('/') ||
    name.endsWith('/')
  ) {
    reportError(
      diagnostics,
      node.position,
      `${where}: expected letters, digits, spaces and - _ / $ { } . (not starting or ending with /, at most 255 characters), got ${JSON.stringify(name)}`,
    );
    return undefined;
  }
  return name;
}
