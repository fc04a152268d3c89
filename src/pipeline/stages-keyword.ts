import { type Diagnostics, reportError } from './diagnostics.ts';
import { indexWhere, readStringList } from './node-readers.ts';
import type { YamlNode } from './yaml-node.ts';

/** GitLab's stages when `stages:` is absent. */
export const defaultStages: readonly string[] = ['.pre', 'build', 'test', 'deploy', '.post'];

/**
 * Reads `stages:`. `.pre` and `.post` always exist and always run first and last, wherever (or
 * whether) the list names them; a stage named twice is an error.
 */
export function readStages(diagnostics: Diagnostics, node: YamlNode | undefined): string[] {
  if (!node) return [...defaultStages];
  const names = readStringList(diagnostics, node, 'stages', { what: 'a list of stage names' });
  if (!names || node.kind !== 'seq') return [...defaultStages];
  const stages: string[] = [];
  names.forEach((name, index) => {
    if (stages.includes(name)) {
      reportError(
        diagnostics,
        node.items[index]!.position,
        `${indexWhere('stages', index)}: stage "${name}" is listed twice`,
      );
    } else stages.push(name);
  });
  return ['.pre', ...stages.filter((stage) => stage !== '.pre' && stage !== '.post'), '.post'];
}
