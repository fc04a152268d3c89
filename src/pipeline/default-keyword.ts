import { readArtifacts } from './artifacts-keyword.ts';
import { type Diagnostics, reportWarning } from './diagnostics.ts';
import { readImage } from './image-keyword.ts';
import {
  checkKeys,
  readBoolean,
  readCommands,
  readDuration,
  readMap,
  readStringList,
} from './node-readers.ts';
import type { ArtifactsDefinition, RetryDefinition } from './pipeline-definition.ts';
import { readRetry } from './retry-keyword.ts';
import { entryOf, mapValue, type YamlMap } from './yaml-node.ts';

/** Values every job gets unless it sets the keyword itself (`default:`, or the deprecated globals). */
export interface JobDefaults {
  image?: string;
  beforeScript?: string[];
  afterScript?: string[];
  artifacts?: ArtifactsDefinition;
  interruptible?: boolean;
  retry?: RetryDefinition;
  tags?: string[];
  timeoutSeconds?: number;
}

const defaultKeys = [
  'after_script',
  'artifacts',
  'before_script',
  'image',
  'interruptible',
  'retry',
  'tags',
  'timeout',
];
const unsupportedDefaultKeys = {
  cache: 'caches are not supported by Gantry',
  services: 'services are not supported by Gantry',
  hooks: 'hooks are not supported by Gantry',
  id_tokens: 'id_tokens are not supported by Gantry',
};
const deprecatedGlobals = ['image', 'before_script', 'after_script'] as const;

/**
 * Reads `default:` (the keywords GitLab lets it hold that Gantry supports) and the deprecated top-level
 * `image`, `before_script` and `after_script`, which act as defaults when `default:` does not set them.
 * Values are validated once here rather than in every job that inherits them.
 */
export function readDefaults(diagnostics: Diagnostics, root: YamlMap): JobDefaults {
  const defaults: JobDefaults = {};
  const defaultNode = mapValue(root, 'default');
  const map = defaultNode ? readMap(diagnostics, defaultNode, 'default') : undefined;
  if (map) {
    checkKeys(diagnostics, map, 'default', defaultKeys, unsupportedDefaultKeys);
    readInto(diagnostics, defaults, map, 'default');
  }
  for (const key of deprecatedGlobals) {
    const entry = entryOf(root, key);
    if (!entry) continue;
    reportWarning(diagnostics, entry.keyPosition, `top-level ${key}: is deprecated; use default:${key}`);
    if (map && entryOf(map, key)) continue;
    readInto(diagnostics, defaults, { kind: 'map', position: root.position, entries: [entry] }, '');
  }
  return defaults;
}

function readInto(diagnostics: Diagnostics, defaults: JobDefaults, map: YamlMap, where: string): void {
  const at = (key: string) => mapValue(map, key);
  const name = (key: string) => (where === '' ? key : `${where}:${key}`);
  const image = at('image');
  const beforeScript = at('before_script');
  const afterScript = at('after_script');
  const artifacts = at('artifacts');
  const interruptible = at('interruptible');
  const retry = at('retry');
  const tags = at('tags');
  const timeout = at('timeout');
  if (image) defaults.image = readImage(diagnostics, image, name('image'));
  if (beforeScript) defaults.beforeScript = readCommands(diagnostics, beforeScript, name('before_script'));
  if (afterScript) defaults.afterScript = readCommands(diagnostics, afterScript, name('after_script'));
  if (artifacts) defaults.artifacts = readArtifacts(diagnostics, artifacts, name('artifacts'));
  if (interruptible) defaults.interruptible = readBoolean(diagnostics, interruptible, name('interruptible'));
  if (retry) defaults.retry = readRetry(diagnostics, retry, name('retry'));
  if (tags) defaults.tags = readStringList(diagnostics, tags, name('tags'), { max: 50 });
  if (timeout) defaults.timeoutSeconds = readDuration(diagnostics, timeout, name('timeout')) ?? undefined;
}
