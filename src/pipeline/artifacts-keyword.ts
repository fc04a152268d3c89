import { type Diagnostics, reportError } from './diagnostics.ts';
import {
  checkKeys,
  childWhere,
  readDuration,
  readEnum,
  readMap,
  readString,
  readStringList,
} from './node-readers.ts';
import type { ArtifactsDefinition } from './pipeline-definition.ts';
import { describeNode, mapValue, type YamlNode } from './yaml-node.ts';

/** GitLab's default artifact lifetime when `expire_in` is absent (an instance setting there). */
export const DEFAULT_ARTIFACT_EXPIRY_SECONDS = 30 * 86_400;

const keys = ['paths', 'expire_in', 'when', 'reports', 'name'];
const unsupported = {
  untracked: 'artifacts:untracked is not supported; list paths',
  exclude: 'artifacts:exclude is not supported',
  expose_as: 'artifacts:expose_as is not supported',
  public: 'artifacts:public is not supported',
  access: 'artifacts:access is not supported',
};

/**
 * Reads `artifacts:` — `paths`, `expire_in` (a duration or `never`), `when` (on_success, on_failure,
 * always), `name`, and `reports:dotenv` (a file, or a list of one file). Other report types and
 * GitLab's other artifact keywords are rejected by name.
 */
export function readArtifacts(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
): ArtifactsDefinition | undefined {
  const map = readMap(diagnostics, node, where);
  if (!map) return undefined;
  const before = diagnostics.errors.length;
  checkKeys(diagnostics, map, where, keys, unsupported);
  const pathsNode = mapValue(map, 'paths');
  const expireNode = mapValue(map, 'expire_in');
  const whenNode = mapValue(map, 'when');
  const reportsNode = mapValue(map, 'reports');
  const nameNode = mapValue(map, 'name');
  const paths = pathsNode ? readStringList(diagnostics, pathsNode, childWhere(where, 'paths')) : [];
  const expireInSeconds = expireNode
    ? readDuration(diagnostics, expireNode, childWhere(where, 'expire_in'), { allowNever: true })
    : DEFAULT_ARTIFACT_EXPIRY_SECONDS;
  const when = whenNode
    ? readEnum(diagnostics, whenNode, childWhere(where, 'when'), [
        'on_success',
        'on_failure',
        'always',
      ] as const)
    : 'on_success';
  const name = nameNode ? readString(diagnostics, nameNode, childWhere(where, 'name')) : null;
  const dotenv = reportsNode ? readDotenv(diagnostics, reportsNode, childWhere(where, 'reports')) : null;
  if (diagnostics.errors.length > before) return undefined;
  return {
    paths: paths ?? [],
    expireInSeconds: expireInSeconds ?? null,
    when: when ?? 'on_success',
    dotenv: dotenv ?? null,
    name: name ?? null,
  };
}

function readDotenv(diagnostics: Diagnostics, node: YamlNode, where: string): string | null | undefined {
  const map = readMap(diagnostics, node, where, 'a mapping with dotenv');
  if (!map) return undefined;
  for (const entry of map.entries) {
    if (entry.key !== 'dotenv') {
      reportError(
        diagnostics,
        entry.keyPosition,
        `${where}: unsupported report type "${entry.key}": only artifacts:reports:dotenv is supported`,
      );
    }
  }
  const dotenvNode = mapValue(map, 'dotenv');
  if (!dotenvNode) return null;
  const dotenvWhere = childWhere(where, 'dotenv');
  if (dotenvNode.kind === 'seq') {
    if (dotenvNode.items.length !== 1) {
      reportError(
        diagnostics,
        dotenvNode.position,
        `${dotenvWhere}: expected one file (Gantry reads a single dotenv report), got ${dotenvNode.items.length}`,
      );
      return undefined;
    }
    return readString(diagnostics, dotenvNode.items[0]!, `${dotenvWhere}[0]`);
  }
  if (dotenvNode.kind !== 'scalar' || typeof dotenvNode.value !== 'string') {
    reportError(
      diagnostics,
      dotenvNode.position,
      `${dotenvWhere}: expected a file path, got ${describeNode(dotenvNode)}`,
    );
    return undefined;
  }
  return readString(diagnostics, dotenvNode, dotenvWhere);
}
