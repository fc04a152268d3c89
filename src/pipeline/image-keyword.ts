import type { Diagnostics } from './diagnostics.ts';
import { checkKeys, childWhere, readString } from './node-readers.ts';
import { mapValue, type YamlNode } from './yaml-node.ts';

const unsupported = {
  entrypoint: 'image:entrypoint is not supported',
  pull_policy: 'image:pull_policy is not supported',
  docker: 'image:docker is not supported',
  kubernetes: 'image:kubernetes is not supported',
};

/** Reads `image:` — a reference, or `{name}`. Left unexpanded (the runner expands it with the job's variables). */
export function readImage(diagnostics: Diagnostics, node: YamlNode, where: string): string | undefined {
  if (node.kind === 'map') {
    checkKeys(diagnostics, node, where, ['name'], unsupported);
    const name = mapValue(node, 'name');
    return readString(diagnostics, name ?? node, childWhere(where, 'name'), { what: 'an image reference' });
  }
  return readString(diagnostics, node, where, { what: 'an image reference or {name}' });
}
