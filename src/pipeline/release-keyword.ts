import { type Diagnostics, reportError } from './diagnostics.ts';
import {
  checkKeys,
  childWhere,
  readCommands,
  readDuration,
  readInteger,
  readMap,
  readString,
} from './node-readers.ts';
import type { HealthCheckSpec, ReleaseSpec } from './pipeline-definition.ts';
import { mapValue, type YamlMap, type YamlNode } from './yaml-node.ts';

/** The keys of `deploy:` that describe a release on hosts. */
export const RELEASE_KEYS = ['before', 'after', 'health_check', 'keep_releases', 'stop'] as const;

/** A health check waits this long for the release when `timeout` is not given. */
export const DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS = 30;

/** At most this many releases are kept on a host. */
export const MAX_KEEP_RELEASES = 100;

/**
 * Reads the release keys of a `deploy:` mapping: `before` and `after` (commands), `health_check`
 * (`command` or `url`, and `timeout`), `keep_releases` (1–100) and `stop` (a command); null when
 * none is given, undefined after an error (reported).
 */
export function readRelease(
  diagnostics: Diagnostics,
  map: YamlMap,
  where: string,
): ReleaseSpec | null | undefined {
  if (!RELEASE_KEYS.some((key) => mapValue(map, key) !== undefined)) return null;
  const before = diagnostics.errors.length;
  const commands = (key: string) => {
    const node = mapValue(map, key);
    return node ? readCommands(diagnostics, node, childWhere(where, key)) : [];
  };
  const beforeCommands = commands('before');
  const afterCommands = commands('after');
  const checkNode = mapValue(map, 'health_check');
  const healthCheck = checkNode
    ? readHealthCheck(diagnostics, checkNode, childWhere(where, 'health_check'))
    : null;
  const keepNode = mapValue(map, 'keep_releases');
  const keepReleases = keepNode
    ? readInteger(diagnostics, keepNode, childWhere(where, 'keep_releases'), 1, MAX_KEEP_RELEASES)
    : null;
  const stopNode = mapValue(map, 'stop');
  const stop = stopNode
    ? readString(diagnostics, stopNode, childWhere(where, 'stop'), { what: 'a command' })
    : null;
  if (
    diagnostics.errors.length > before ||
    beforeCommands === undefined ||
    afterCommands === undefined ||
    healthCheck === undefined ||
    keepReleases === undefined ||
    stop === undefined
  )
    return undefined;
  return { before: beforeCommands, after: afterCommands, healthCheck, keepReleases, stop };
}

function readHealthCheck(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
): HealthCheckSpec | undefined {
  const map = readMap(diagnostics, node, where, 'a mapping with command: or url:');
  if (!map) return undefined;
  const before = diagnostics.errors.length;
  checkKeys(diagnostics, map, where, ['command', 'url', 'timeout']);
  const commandNode = mapValue(map, 'command');
  const urlNode = mapValue(map, 'url');
  if ((commandNode === undefined) === (urlNode === undefined)) {
    reportError(diagnostics, map.position, `${where}: expected either command: or url:`);
  }
  const command = commandNode
    ? readString(diagnostics, commandNode, childWhere(where, 'command'), { what: 'a command' })
    : null;
  const url = urlNode
    ? readString(diagnostics, urlNode, childWhere(where, 'url'), { what: 'an http(s) URL' })
    : null;
  if (urlNode && typeof url === 'string' && !/^https?:\/\/\S+$/.test(url)) {
    reportError(
      diagnostics,
      urlNode.position,
      `${childWhere(where, 'url')}: expected an http(s) URL, got "${url}"`,
    );
  }
  const timeoutNode = mapValue(map, 'timeout');
  const timeoutSeconds = timeoutNode
    ? readDuration(diagnostics, timeoutNode, childWhere(where, 'timeout'))
    : DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS;
  if (diagnostics.errors.length > before || command === undefined || url === undefined || !timeoutSeconds)
    return undefined;
  return { command, url, timeoutSeconds };
}
