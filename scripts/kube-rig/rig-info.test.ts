import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type RigInfo, readRigInfo, writeRigInfo } from './rig-info.ts';

describe('rig info files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-rig-info-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const info: RigInfo = {
    server: 'https://127.0.0.1:6443',
    kubeconfigPath: '/tmp/rig/kubeconfig',
    caPath: '/tmp/rig/pki/ca.crt',
    caPem: 'PEM',
    adminUser: 'admin',
    nodes: ['rig-node-0'],
    storageClass: 'rig-local',
    provisioner: 'rig.gantry.dev/local',
    serviceClusterIpRange: '127.1.0.0/16',
    versions: { kubernetes: 'v1.35.4', etcd: 'v3.6.16' },
    kubeletPort: 10250,
    kubeletDir: '/tmp/rig/kubelet',
    dataDir: '/tmp/rig',
    logDir: '/tmp/rig/logs',
    pids: { etcd: 1 },
    startMs: 5000,
  };

  test('are read back as written, with nothing left beside them', () => {
    const path = join(dir, 'rig.json');
    writeRigInfo(path, info);
    assert.deepEqual(readRigInfo(path), info);
    assert.deepEqual(readdirSync(dir), ['rig.json']);
  });

  test('must name a server, a kubeconfig and a CA', () => {
    const path = join(dir, 'other.json');
    writeFileSync(path, JSON.stringify({ server: 'https://127.0.0.1:6443' }));
    assert.throws(
      () => readRigInfo(path),
      /other\.json is not a kube rig info file: it has no "kubeconfigPath"/,
    );
  });
});
