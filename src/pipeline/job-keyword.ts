import { readArtifacts } from './artifacts-keyword.ts';
import type { JobDefaults } from './default-keyword.ts';
import { readDeploy } from './deploy-keyword.ts';
import { type Diagnostics, reportError } from './diagnostics.ts';
import { readEnvironment } from './environment-keyword.ts';
import { readImage } from './image-keyword.ts';
import type { JobGraphNode } from './job-graph-check.ts';
import { readNeeds } from './needs-keyword.ts';
import {
  checkKeys,
  childWhere,
  indexWhere,
  readBoolean,
  readCommands,
  readDuration,
  readEnum,
  readString,
  readStringList,
} from './node-readers.ts';
import { readRefFilter } from './only-except-keyword.ts';
import type { JobDefinition, JobWhen } from './pipeline-definition.ts';
import { noRetry, readRetry } from './retry-keyword.ts';
import { jobWhenValues, MAX_START_IN_SECONDS, readRules } from './rules-keyword.ts';
import { readVariables } from './variables-keyword.ts';
import {
  describeNode,
  entryOf,
  mapValue,
  type SourcePosition,
  type YamlMap,
  type YamlNode,
} from './yaml-node.ts';

/** The default stage of a job without `stage:`. */
export const DEFAULT_STAGE = 'test';

/** The job keywords Gantry supports (`extends` is resolved before jobs are read). */
export const jobKeys = [
  'stage',
  'script',
  'before_script',
  'after_script',
  'image',
  'variables',
  'rules',
  'only',
  'except',
  'when',
  'start_in',
  'allow_failure',
  'needs',
  'dependencies',
  'artifacts',
  'environment',
  'resource_group',
  'retry',
  'timeout',
  'tags',
  'interruptible',
  'deploy',
];

const notSupported = (what: string) => `${what} not supported by Gantry`;
const unsupportedJobKeys: Record<string, string> = {
  cache: notSupported('caches are'),
  services: notSupported('services are'),
  coverage: notSupported('coverage is'),
  parallel: notSupported('parallel and matrix jobs are'),
  trigger: notSupported('trigger (downstream pipelines) is'),
  inherit: notSupported('inherit is'),
  release: notSupported('release is'),
  pages: notSupported('pages is'),
  secrets: notSupported('secrets is'),
  id_tokens: notSupported('id_tokens is'),
  hooks: notSupported('hooks is'),
  manual_confirmation: notSupported('manual_confirmation is'),
  dast_configuration: notSupported('dast_configuration is'),
  identity: notSupported('identity is'),
  run: notSupported('run is'),
};

/**
 * Reads one job (after `extends`), applying defaults for keywords it does not set. `stages` is the
 * pipeline's stage list, to check `stage:`. `job` is undefined when the job has errors; `graph` holds
 * what could be read of its references to other jobs either way, so that those are checked too.
 */
export function readJob(
  diagnostics: Diagnostics,
  name: string,
  map: YamlMap,
  position: SourcePosition,
  defaults: JobDefaults,
  stages: readonly string[],
): { job: JobDefinition | undefined; graph: JobGraphNode } {
  const where = `job "${name}"`;
  const before = diagnostics.errors.length;
  checkKeys(diagnostics, map, where, jobKeys, unsupportedJobKeys);
  const at = (key: string): YamlNode | undefined => mapValue(map, key);
  const w = (key: string) => childWhere(where, key);

  const stageNode = at('stage');
  let stage = stageNode
    ? readString(diagnostics, stageNode, w('stage'), { what: 'a stage name' })
    : DEFAULT_STAGE;
  if (stage !== undefined && !stages.includes(stage)) {
    const defined = stages.join(', ');
    if (stageNode)
      reportError(
        diagnostics,
        stageNode.position,
        `${w('stage')}: stage "${stage}" is not defined in stages (${defined})`,
      );
    else
      reportError(
        diagnostics,
        position,
        `${where}: the default stage "${DEFAULT_STAGE}" is not defined in stages (${defined}); set stage:`,
      );
    stage = undefined;
  }

  const deployNode = at('deploy');
  const scriptNode = at('script');
  const deploy = deployNode ? readDeploy(diagnostics, deployNode, w('deploy')) : null;
  if (deployNode && scriptNode) {
    reportError(
      diagnostics,
      entryOf(map, 'deploy')!.keyPosition,
      `${where}: use either script: or deploy:, not both`,
    );
  }
  if (!deployNode && !scriptNode) {
    reportError(diagnostics, position, `${where}: expected script: (commands to run) or deploy:`);
  }
  let script = scriptNode ? readCommands(diagnostics, scriptNode, w('script')) : [];
  if (script && scriptNode && script.length === 0) {
    reportError(diagnostics, scriptNode.position, `${w('script')}: expected at least one command`);
    script = undefined;
  }
  const beforeNode = at('before_script');
  const afterNode = at('after_script');
  for (const [node, key] of [
    [beforeNode, 'before_script'],
    [afterNode, 'after_script'],
  ] as const) {
    if (node && deployNode)
      reportError(diagnostics, entryOf(map, key)!.keyPosition, `${w(key)}: cannot be used with deploy:`);
  }
  const scripted = !deployNode;
  const beforeScript = beforeNode
    ? readCommands(diagnostics, beforeNode, w('before_script'))
    : scripted
      ? (defaults.beforeScript ?? [])
      : [];
  const afterScript = afterNode
    ? readCommands(diagnostics, afterNode, w('after_script'))
    : scripted
      ? (defaults.afterScript ?? [])
      : [];

  const imageNode = at('image');
  const image = imageNode ? readImage(diagnostics, imageNode, w('image')) : (defaults.image ?? null);
  const variablesNode = at('variables');
  const variables = variablesNode ? readVariables(diagnostics, variablesNode, w('variables'), 'job') : [];

  const rulesNode = at('rules');
  const onlyNode = at('only');
  const exceptNode = at('except');
  if (rulesNode && (onlyNode || exceptNode)) {
    reportError(
      diagnostics,
      entryOf(map, 'rules')!.keyPosition,
      `${w('rules')}: cannot be used together with only: or except:`,
    );
  }
  const rules = rulesNode ? readRules(diagnostics, rulesNode, w('rules'), 'job') : null;
  const only = onlyNode ? readRefFilter(diagnostics, onlyNode, w('only')) : null;
  const except = exceptNode ? readRefFilter(diagnostics, exceptNode, w('except')) : null;

  const whenNode = at('when');
  const when: JobWhen | undefined = whenNode
    ? readEnum(diagnostics, whenNode, w('when'), jobWhenValues)
    : 'on_success';
  const startInNode = at('start_in');
  let startInSeconds: number | null | undefined = null;
  if (startInNode && when !== 'delayed') {
    reportError(diagnostics, startInNode.position, `${w('start_in')}: start_in needs when: delayed`);
  } else if (startInNode) {
    startInSeconds = readDuration(diagnostics, startInNode, w('start_in'), {
      maxSeconds: MAX_START_IN_SECONDS,
      maxText: '1 week',
    });
  } else if (when === 'delayed' && whenNode) {
    reportError(diagnostics, whenNode.position, `${w('when')}: when: delayed needs start_in`);
  }

  const allowFailureNode = at('allow_failure');
  const allowFailure = allowFailureNode
    ? readAllowFailure(diagnostics, allowFailureNode, w('allow_failure'))
    : { allow: null, exitCodes: [] };

  const needsNode = at('needs');
  const needs = needsNode ? readNeeds(diagnostics, needsNode, w('needs')) : null;
  const dependenciesNode = at('dependencies');
  const dependencies = dependenciesNode
    ? readStringList(diagnostics, dependenciesNode, w('dependencies'), { what: 'a list of job names' })
    : null;

  const artifactsNode = at('artifacts');
  const artifacts = artifactsNode
    ? readArtifacts(diagnostics, artifactsNode, w('artifacts'))
    : (defaults.artifacts ?? null);
  const environmentNode = at('environment');
  const environment = environmentNode
    ? readEnvironment(diagnostics, environmentNode, w('environment'))
    : null;
  if (deployNode && !environmentNode) {
    reportError(
      diagnostics,
      entryOf(map, 'deploy')!.keyPosition,
      `${w('deploy')}: a deploy: job needs environment: to name its target`,
    );
  }
  if (deployNode && environment && environment.action !== 'start') {
    const actionNode = environmentNode?.kind === 'map' ? mapValue(environmentNode, 'action') : undefined;
    reportError(
      diagnostics,
      (actionNode ?? environmentNode!).position,
      `${w('environment')}:action: a deploy: job starts its environment; expected start, got "${environment.action}"`,
    );
  }
  const resourceGroupNode = at('resource_group');
  const resourceGroup = resourceGroupNode
    ? readString(diagnostics, resourceGroupNode, w('resource_group'), { what: 'a resource group name' })
    : null;
  const retryNode = at('retry');
  const retry = retryNode ? readRetry(diagnostics, retryNode, w('retry')) : (defaults.retry ?? noRetry);
  const timeoutNode = at('timeout');
  const timeoutSeconds = timeoutNode
    ? readDuration(diagnostics, timeoutNode, w('timeout'))
    : (defaults.timeoutSeconds ?? null);
  const tagsNode = at('tags');
  const tags = tagsNode
    ? readStringList(diagnostics, tagsNode, w('tags'), { max: 50, what: 'a list of runner tags' })
    : (defaults.tags ?? []);
  const interruptibleNode = at('interruptible');
  const interruptible = interruptibleNode
    ? readBoolean(diagnostics, interruptibleNode, w('interruptible'))
    : (defaults.interruptible ?? false);

  const graph: JobGraphNode = {
    name,
    stage: stage ?? null,
    needs: needsNode && needs === undefined ? 'invalid' : (needs ?? null),
    environment: environmentNode && environment === undefined ? 'invalid' : (environment ?? null),
    dependencies: [],
    onStop: null,
  };
  if (dependenciesNode?.kind === 'seq') {
    dependenciesNode.items.forEach((item, index) => {
      if (item.kind === 'scalar' && typeof item.value === 'string') {
        graph.dependencies.push({
          name: item.value,
          position: item.position,
          where: indexWhere(w('dependencies'), index),
        });
      }
    });
  }
  if (environment?.onStop && environmentNode?.kind === 'map') {
    const onStopNode = mapValue(environmentNode, 'on_stop')!;
    graph.onStop = {
      name: environment.onStop,
      position: onStopNode.position,
      where: `${w('environment')}:on_stop`,
    };
  }
  if (diagnostics.errors.length > before) return { job: undefined, graph };
  const job: JobDefinition = {
    name,
    position,
    stage: stage!,
    when: when!,
    startInSeconds: startInSeconds ?? null,
    allowFailure: allowFailure!.allow,
    allowFailureExitCodes: allowFailure!.exitCodes,
    rules: rules ?? null,
    only: only ?? null,
    except: except ?? null,
    needs: needs ?? null,
    dependencies: dependencies ?? null,
    image: image ?? null,
    beforeScript: beforeScript!,
    script: script!,
    afterScript: afterScript!,
    variables,
    artifacts: artifacts ?? null,
    environment: environment ?? null,
    resourceGroup: resourceGroup ?? null,
    retry: retry!,
    timeoutSeconds: timeoutSeconds ?? null,
    tags: tags!,
    interruptible: interruptible!,
    deploy: deploy ?? null,
  };
  return { job, graph };
}

function readAllowFailure(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
): { allow: boolean | null; exitCodes: number[] } | undefined {
  if (node.kind !== 'map') {
    const allow = readBoolean(diagnostics, node, where);
    return allow === undefined ? undefined : { allow, exitCodes: [] };
  }
  checkKeys(diagnostics, node, where, ['exit_codes']);
  const codesNode = mapValue(node, 'exit_codes');
  const codesWhere = childWhere(where, 'exit_codes');
  if (!codesNode) {
    reportError(diagnostics, node.position, `${where}: expected true, false or {exit_codes: [...]}`);
    return undefined;
  }
  const items = codesNode.kind === 'seq' ? codesNode.items : [codesNode];
  const exitCodes: number[] = [];
  let ok = items.length > 0;
  if (!ok) reportError(diagnostics, codesNode.position, `${codesWhere}: expected at least one exit code`);
  items.forEach((item, index) => {
    if (
      item.kind === 'scalar' &&
      typeof item.value === 'number' &&
      Number.isInteger(item.value) &&
      item.value >= 0 &&
      item.value <= 255
    ) {
      exitCodes.push(item.value);
    } else {
      ok = false;
      const itemWhere = codesNode.kind === 'seq' ? indexWhere(codesWhere, index) : codesWhere;
      reportError(
        diagnostics,
        item.position,
        `${itemWhere}: expected an exit code from 0 to 255, got ${describeNode(item)}`,
      );
    }
  });
  return ok ? { allow: false, exitCodes } : undefined;
}
