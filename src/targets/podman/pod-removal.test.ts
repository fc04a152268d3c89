import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fakePodmanHost } from '../../../test/podman/fake-podman.ts';
import type { KubeObject } from '../kubernetes/kube-object.ts';
import { removePods } from './pod-removal.ts';

test("the workloads' pods are removed in one call that tolerates pods already gone; other objects are ignored", async () => {
  const fake = await fakePodmanHost('echo "$@" >> "$0.calls"');
  try {
    const objects: KubeObject[] = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'p-settings' } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'p-web' },
        spec: { template: { spec: {} } },
      },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p-debug' }, spec: {} },
    ];
    assert.deepEqual(await removePods(fake.host, objects), ['p-web-pod-0', 'p-debug']);
    assert.deepEqual(await removePods(fake.host, objects.slice(0, 1)), []);
    assert.equal(
      (await readFile(join(fake.dir, 'podman.calls'), 'utf8')).trim(),
      'pod rm --force --ignore --time 10 p-web-pod-0 p-debug',
    );
  } finally {
    await fake.close();
  }
});
