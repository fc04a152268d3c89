import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { missingBinaries, RigBinariesMissingError, rigBinaries } from './binaries.ts';

describe('rigBinaries', () => {
  const cache = mkdtempSync(join(tmpdir(), 'gantry-rig-cache-'));
  after(() => rmSync(cache, { recursive: true, force: true }));

  test('come from build.sh: versions and a directory keyed by them', () => {
    process.env.GANTRY_RIG_CACHE = cache;
    try {
      const binaries = rigBinaries();
      assert.match(binaries.kubernetesVersion, /^v1\.\d+\.\d+$/);
      assert.match(binaries.etcdVersion, /^v3\.\d+\.\d+$/);
      assert.equal(
        binaries.binDir,
        join(cache, `kube-${binaries.kubernetesVersion}-etcd-${binaries.etcdVersion}`, 'bin'),
      );
      assert.equal(binaries.path('etcd'), join(binaries.binDir, 'etcd'));
      assert.match(binaries.path('rig-kubelet'), /\/bin\/rig-kubelet-[0-9a-f]{12}$/);
      assert.equal(dirname(binaries.path('rig-kubelet')), binaries.binDir);
    } finally {
      delete process.env.GANTRY_RIG_CACHE;
    }
  });

  test('missingBinaries lists what is not built', () => {
    const binDir = join(cache, 'bin');
    mkdirSync(binDir, { recursive: true });
    for (const name of ['etcd', 'kube-apiserver']) {
      writeFileSync(join(binDir, name), '');
      chmodSync(join(binDir, name), 0o755);
    }
    const binaries = {
      binDir,
      kubernetesVersion: 'v1',
      etcdVersion: 'v3',
      path: (name: string) => join(binDir, name),
    };
    assert.deepEqual(missingBinaries(binaries), ['kube-controller-manager', 'kube-scheduler', 'rig-kubelet']);
  });

  test('a missing build says how to make it', () => {
    assert.match(
      new RigBinariesMissingError('/cache/bin', ['etcd']).message,
      /bash scripts\/kube-rig\/build\.sh/,
    );
  });
});
