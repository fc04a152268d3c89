import { type Diagnostics, reportError } from './diagnostics.ts';
import { checkKeys, childWhere, indexWhere, readBoolean, readSeq, readString } from './node-readers.ts';
import type { NeedDefinition } from './pipeline-definition.ts';
import { mapValue, type YamlNode } from './yaml-node.ts';

/** Most entries in one job's `needs` (GitLab's default limit). */
export const MAX_NEEDS = 50;

const crossPipeline = 'cross-project and parent-pipeline needs are not supported';

/**
 * Reads `needs:` — a list of job names or `{job, artifacts, optional}` (artifacts default to true).
 * Whether the named jobs exist and come no later than this job is checked once all jobs are known.
 */
export function readNeeds(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
): NeedDefinition[] | undefined {
  const seq = readSeq(diagnostics, node, where, 'a list of job names');
  if (!seq) return undefined;
  if (seq.items.length > MAX_NEEDS) {
    reportError(
      diagnostics,
      seq.position,
      `${where}: expected at most ${MAX_NEEDS} needs, got ${seq.items.length}`,
    );
    return undefined;
  }
  const before = diagnostics.errors.length;
  const needs: NeedDefinition[] = [];
  seq.items.forEach((item, index) => {
    const itemWhere = indexWhere(where, index);
    let need: NeedDefinition | undefined;
    if (item.kind === 'map') {
      checkKeys(diagnostics, item, itemWhere, ['job', 'artifacts', 'optional'], {
        pipeline: crossPipeline,
        project: crossPipeline,
        ref: crossPipeline,
        parallel: 'needs:parallel is not supported',
      });
      const jobNode = mapValue(item, 'job');
      if (!jobNode) {
        reportError(diagnostics, item.position, `${itemWhere}: expected job: with a job name`);
        return;
      }
      const job = readString(diagnostics, jobNode, childWhere(itemWhere, 'job'), { what: 'a job name' });
      const artifactsNode = mapValue(item, 'artifacts');
      const optionalNode = mapValue(item, 'optional');
      const artifacts = artifactsNode
        ? readBoolean(diagnostics, artifactsNode, childWhere(itemWhere, 'artifacts'))
        : true;
      const optional = optionalNode
        ? readBoolean(diagnostics, optionalNode, childWhere(itemWhere, 'optional'))
        : false;
      if (job !== undefined && artifacts !== undefined && optional !== undefined) {
        need = { job, artifacts, optional, position: jobNode.position };
      }
    } else {
      const job = readString(diagnostics, item, itemWhere, {
        what: 'a job name or {job, artifacts, optional}',
      });
      if (job !== undefined) need = { job, artifacts: true, optional: false, position: item.position };
    }
    if (!need) return;
    if (needs.some((other) => other.job === need.job)) {
      reportError(diagnostics, need.position, `${itemWhere}: job "${need.job}" is already listed`);
      return;
    }
    needs.push(need);
  });
  return diagnostics.errors.length > before ? undefined : needs;
}
