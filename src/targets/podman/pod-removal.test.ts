import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fakePodmanHost } from '../../../test/podman/fake-podman.ts';
import type { KubeObject } from '../kubernetes/kube-object.ts';
import { removePods } from './pod-removal.ts';

test("the project's workload pods are removed in one call that tolerates pods already gone; other projects' pods and other objects stay", async () => {
  // p-web-pod-0 and p-debug are project 3's, p-api-pod-0 project 4's (a colliding name).
  const fake = await fakePodmanHost(`echo "$@" >> "$0.calls"
case "$1 $2 \${!#}" in
  "pod inspect p-web-pod-0"|"pod inspect p-debug") echo '{"gantry.dev/project":"3"}' ;;
  "pod inspect p-api-pod-0") echo '{"gantry.dev/project":"4"}' ;;
esac`);
  try {
    const deployment = (name: string): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: { template: { spec: {} } },
    });
    const objects: KubeObject[] = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'p-settings' } },
      deployment('p-web'),
      deployment('p-api'),
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p-debug' }, spec: {} },
    ];
    assert.deepEqual(await removePods(fake.host, objects, 3), ['p-web-pod-0', 'p-debug']);
    assert.deepEqual(await removePods(fake.host, objects.slice(0, 1), 3), []);
    const calls = (await readFile(join(fake.dir, 'podman.calls'), 'utf8')).trim().split('\n');
    assert.deepEqual(
      calls.filter((call) => call.startsWith('pod rm')),
      ['pod rm --force --ignore --time 10 p-web-pod-0 p-debug'],
    );
  } finally {
    await fake.close();
  }
});
