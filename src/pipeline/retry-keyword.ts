import { type Diagnostics, reportError } from './diagnostics.ts';
import { checkKeys, childWhere, indexWhere, readInteger } from './node-readers.ts';
import type { RetryDefinition } from './pipeline-definition.ts';
import { describeNode, mapValue, type YamlNode } from './yaml-node.ts';

/** The failure reasons `retry:when` accepts (GitLab's list). */
export const retryReasons = [
  'always',
  'unknown_failure',
  'script_failure',
  'api_failure',
  'stuck_or_timeout_failure',
  'runner_system_failure',
  'runner_unsupported',
  'stale_schedule',
  'job_execution_timeout',
  'archived_failure',
  'unmet_prerequisites',
  'scheduler_failure',
  'data_integrity_failure',
] as const;

/** No retries. */
export const noRetry: RetryDefinition = { max: 0, when: ['always'] };

/** Reads `retry:` — an integer from 0 to 2, or `{max, when}` where `when` is a reason or a list of them. */
export function readRetry(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
): RetryDefinition | undefined {
  if (node.kind !== 'map') {
    const max = readInteger(diagnostics, node, where, 0, 2);
    return max === undefined ? undefined : { max, when: ['always'] };
  }
  const before = diagnostics.errors.length;
  checkKeys(diagnostics, node, where, ['max', 'when'], {
    exit_codes: 'retry:exit_codes is not supported; use retry:when',
  });
  const maxNode = mapValue(node, 'max');
  if (!maxNode)
    reportError(diagnostics, node.position, `${where}: expected max: with an integer from 0 to 2`);
  const max = maxNode ? readInteger(diagnostics, maxNode, childWhere(where, 'max'), 0, 2) : undefined;
  const whenNode = mapValue(node, 'when');
  const when = whenNode ? readReasons(diagnostics, whenNode, childWhere(where, 'when')) : ['always'];
  if (diagnostics.errors.length > before || max === undefined || when === undefined) return undefined;
  return { max, when };
}

function readReasons(diagnostics: Diagnostics, node: YamlNode, where: string): string[] | undefined {
  const items =
    node.kind === 'seq'
      ? node.items.map((item, index) => [item, indexWhere(where, index)] as const)
      : [[node, where] as const];
  const reasons: string[] = [];
  let ok = true;
  for (const [item, itemWhere] of items) {
    if (
      item.kind === 'scalar' &&
      typeof item.value === 'string' &&
      (retryReasons as readonly string[]).includes(item.value)
    ) {
      reasons.push(item.value);
    } else {
      ok = false;
      reportError(
        diagnostics,
        item.position,
        `${itemWhere}: expected one of ${retryReasons.join(', ')}, got ${describeNode(item)}`,
      );
    }
  }
  return ok ? reasons : undefined;
}
