import { type Diagnostics, reportError } from './diagnostics.ts';
import { checkKeys, childWhere, indexWhere, readMap, readSeq, readString } from './node-readers.ts';
import type { MavenSpec } from './pipeline-definition.ts';
import { mapValue, type YamlNode } from './yaml-node.ts';

/**
 * Reads `deploy:maven` (Maven repository targets): `group_id`, `artifact_id` and `version`
 * (required; CI/CD variables are expanded when the deployment runs), `pom` (a POM among the files;
 * left out, a minimal one is made) and `artifacts` (files among `deploy:files`, each
 * `{ file, classifier?, extension? }` or just the file's path).
 */
export function readMaven(diagnostics: Diagnostics, node: YamlNode, where: string): MavenSpec | undefined {
  const map = readMap(diagnostics, node, where, 'a mapping with group_id:, artifact_id: and version:');
  if (!map) return undefined;
  const before = diagnostics.errors.length;
  checkKeys(diagnostics, map, where, ['group_id', 'artifact_id', 'version', 'pom', 'artifacts']);
  const required = (key: string, what: string) => {
    const value = mapValue(map, key);
    if (!value) {
      reportError(diagnostics, map.position, `${where}: expected ${key}: with ${what}`);
      return undefined;
    }
    return readString(diagnostics, value, childWhere(where, key), { what });
  };
  const groupId = required('group_id', 'the group id, such as com.example');
  const artifactId = required('artifact_id', 'the artifact id');
  const version = required('version', 'the version, such as 1.2.0 or $CI_COMMIT_TAG');
  const pomNode = mapValue(map, 'pom');
  const pom = pomNode
    ? readString(diagnostics, pomNode, childWhere(where, 'pom'), { what: 'the path of a POM' })
    : null;
  const artifactsNode = mapValue(map, 'artifacts');
  const artifactsWhere = childWhere(where, 'artifacts');
  const seq = artifactsNode
    ? readSeq(diagnostics, artifactsNode, artifactsWhere, 'a list of files')
    : undefined;
  const artifacts: MavenSpec['artifacts'] = [];
  seq?.items.forEach((item, index) => {
    const itemWhere = indexWhere(artifactsWhere, index);
    if (item.kind === 'scalar') {
      const file = readString(diagnostics, item, itemWhere, { what: 'a file path' });
      if (file !== undefined) artifacts.push({ file, classifier: null, extension: null });
      return;
    }
    const entry = readMap(diagnostics, item, itemWhere, 'a file path or { file, classifier?, extension? }');
    if (!entry) return;
    checkKeys(diagnostics, entry, itemWhere, ['file', 'classifier', 'extension']);
    const fileNode = mapValue(entry, 'file');
    if (!fileNode) {
      reportError(diagnostics, entry.position, `${itemWhere}: expected file: with the path of the file`);
      return;
    }
    const optional = (key: string) => {
      const value = mapValue(entry, key);
      return value ? readString(diagnostics, value, childWhere(itemWhere, key)) : null;
    };
    const file = readString(diagnostics, fileNode, childWhere(itemWhere, 'file'), { what: 'a file path' });
    const classifier = optional('classifier');
    const extension = optional('extension');
    if (file !== undefined && classifier !== undefined && extension !== undefined)
      artifacts.push({ file, classifier, extension });
  });
  if (seq && seq.items.length === 0 && pom === null)
    reportError(diagnostics, seq.position, `${artifactsWhere}: expected at least one file (or a pom:)`);
  if (
    diagnostics.errors.length > before ||
    groupId === undefined ||
    artifactId === undefined ||
    version === undefined ||
    pom === undefined
  )
    return undefined;
  return { groupId, artifactId, version, pom, artifacts };
}
