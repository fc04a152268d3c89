import { type Diagnostics, reportError } from './diagnostics.ts';
import { readMaven } from './maven-keyword.ts';
import {
  checkKeys,
  childWhere,
  indexWhere,
  readBoolean,
  readDuration,
  readMap,
  readSeq,
  readString,
  readStringList,
} from './node-readers.ts';
import type { DeploySpec } from './pipeline-definition.ts';
import { RELEASE_KEYS, readRelease } from './release-keyword.ts';
import { readSite, SITE_KEYS } from './site-keyword.ts';
import { describeNode, mapValue, type YamlNode } from './yaml-node.ts';

const keys = [
  'manifests',
  'files',
  'images',
  'containers',
  'strategy',
  'timeout',
  ...RELEASE_KEYS,
  ...SITE_KEYS,
  'maven',
  'playbook',
  'check',
];
const containerName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Reads Gantry's `deploy:` keyword: `manifests` (a manifest file or directory, a kustomization or
 * a Helm chart directory) or `files` (what a file target ships) — one of the two is required —
 * `images` (container name → image; left unexpanded), `containers` (a partial rollout; each must
 * have an image), `strategy` (`steps`: ascending percentages ending at 100, `pause`: a duration),
 * `timeout`, and the release keys of host targets (release-keyword.ts).
 */
export function readDeploy(diagnostics: Diagnostics, node: YamlNode, where: string): DeploySpec | undefined {
  const map = readMap(diagnostics, node, where, 'a mapping with manifests: or files:');
  if (!map) return undefined;
  const before = diagnostics.errors.length;
  checkKeys(diagnostics, map, where, keys);
  const at = (key: string) => mapValue(map, key);
  const manifestsNode = at('manifests');
  const filesNode = at('files');
  const playbookNode = at('playbook');
  if (!manifestsNode && !filesNode && !playbookNode)
    reportError(
      diagnostics,
      map.position,
      `${where}: expected manifests: with a path to the manifests, files: with the path of the files to ship, or playbook: with the path of an Ansible playbook`,
    );
  const manifests = manifestsNode
    ? readString(diagnostics, manifestsNode, childWhere(where, 'manifests'), {
        what: 'a path to the manifests',
      })
    : null;
  const files = filesNode
    ? readString(diagnostics, filesNode, childWhere(where, 'files'), { what: 'a path to the files to ship' })
    : null;
  const playbook = playbookNode
    ? readString(diagnostics, playbookNode, childWhere(where, 'playbook'), { what: 'the path of a playbook' })
    : null;
  const checkNode = at('check');
  const check = checkNode ? readBoolean(diagnostics, checkNode, childWhere(where, 'check')) : false;
  // Only Ansible can run without changing anything; elsewhere a "dry run" would deploy for real.
  if (checkNode && !playbookNode)
    reportError(
      diagnostics,
      checkNode.position,
      `${childWhere(where, 'check')}: a dry run is for playbook: (Ansible targets)`,
    );
  const release = readRelease(diagnostics, map, where);
  const site = readSite(diagnostics, map, where);
  const mavenNode = at('maven');
  const maven = mavenNode ? readMaven(diagnostics, mavenNode, childWhere(where, 'maven')) : null;
  const imagesNode = at('images');
  const images = imagesNode ? readImages(diagnostics, imagesNode, childWhere(where, 'images')) : {};
  const containersNode = at('containers');
  let containers: string[] | null | undefined = null;
  if (containersNode) {
    const containersWhere = childWhere(where, 'containers');
    containers = readStringList(diagnostics, containersNode, containersWhere, {
      what: 'a list of container names',
    });
    if (containers && containers.length === 0) {
      reportError(
        diagnostics,
        containersNode.position,
        `${containersWhere}: expected at least one container name`,
      );
    }
    containers?.forEach((container, index) => {
      if (images && !Object.hasOwn(images, container) && containersNode.kind === 'seq') {
        reportError(
          diagnostics,
          containersNode.items[index]!.position,
          `${indexWhere(containersWhere, index)}: container "${container}" has no image in deploy:images`,
        );
      }
    });
  }
  const strategyNode = at('strategy');
  const strategy = strategyNode
    ? readStrategy(diagnostics, strategyNode, childWhere(where, 'strategy'))
    : null;
  const timeoutNode = at('timeout');
  const timeoutSeconds = timeoutNode
    ? readDuration(diagnostics, timeoutNode, childWhere(where, 'timeout'))
    : null;
  if (
    diagnostics.errors.length > before ||
    manifests === undefined ||
    files === undefined ||
    release === undefined ||
    site === undefined ||
    maven === undefined ||
    playbook === undefined ||
    check === undefined ||
    images === undefined
  )
    return undefined;
  return {
    manifests,
    images,
    containers: containers ?? null,
    strategy: strategy ?? null,
    timeoutSeconds: timeoutSeconds ?? null,
    files,
    release,
    site,
    maven,
    playbook,
    check,
  };
}

function readImages(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
): Record<string, string> | undefined {
  const map = readMap(diagnostics, node, where, 'a mapping of container names to images');
  if (!map) return undefined;
  const images: Record<string, string> = {};
  for (const entry of map.entries) {
    if (!containerName.test(entry.key)) {
      reportError(
        diagnostics,
        entry.keyPosition,
        `${childWhere(where, entry.key)}: a container name is lowercase letters, digits and - (a DNS label)`,
      );
      continue;
    }
    const image = readString(diagnostics, entry.value, childWhere(where, entry.key), {
      what: 'an image reference',
    });
    if (image !== undefined) images[entry.key] = image;
  }
  return images;
}

function readStrategy(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
): { steps: number[]; pauseSeconds: number } | undefined {
  const map = readMap(diagnostics, node, where, 'a mapping with steps: and pause:');
  if (!map) return undefined;
  const before = diagnostics.errors.length;
  checkKeys(diagnostics, map, where, ['steps', 'pause']);
  const stepsNode = mapValue(map, 'steps');
  const stepsWhere = childWhere(where, 'steps');
  if (!stepsNode)
    reportError(
      diagnostics,
      map.position,
      `${where}: expected steps: with percentages of replicas ending at 100`,
    );
  const steps: number[] = [];
  const seq = stepsNode
    ? readSeq(diagnostics, stepsNode, stepsWhere, 'a list of percentages ending at 100')
    : undefined;
  seq?.items.forEach((item, index) => {
    const itemWhere = indexWhere(stepsWhere, index);
    if (
      item.kind !== 'scalar' ||
      typeof item.value !== 'number' ||
      !Number.isInteger(item.value) ||
      item.value < 1 ||
      item.value > 100
    ) {
      reportError(
        diagnostics,
        item.position,
        `${itemWhere}: expected a percentage from 1 to 100, got ${describeNode(item)}`,
      );
      return;
    }
    const previous = steps[steps.length - 1];
    if (previous !== undefined && item.value <= previous) {
      reportError(
        diagnostics,
        item.position,
        `${itemWhere}: expected steps in ascending order, got ${item.value} after ${previous}`,
      );
    }
    steps.push(item.value);
  });
  if (seq && diagnostics.errors.length === before && steps[steps.length - 1] !== 100) {
    reportError(
      diagnostics,
      seq.position,
      `${stepsWhere}: expected the last step to be 100, got ${steps.length === 0 ? 'no steps' : steps[steps.length - 1]}`,
    );
  }
  const pauseNode = mapValue(map, 'pause');
  const pauseSeconds = pauseNode
    ? readDuration(diagnostics, pauseNode, childWhere(where, 'pause'), { allowZero: true })
    : 0;
  if (diagnostics.errors.length > before || pauseSeconds === undefined || pauseSeconds === null)
    return undefined;
  return { steps, pauseSeconds };
}
