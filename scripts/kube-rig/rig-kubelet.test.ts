import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { realDependency } from '../../test/runner/real-dependency.ts';
import { BUILD_SCRIPT, missingBinaries, rigBinaries } from './binaries.ts';
import type { RigCertificates } from './certificates.ts';
import { METRICS_API_SERVICE, metricsApiObjects, rigKubeletArgs } from './rig-kubelet.ts';

const run = promisify(execFile);

describe('rigKubeletArgs', () => {
  test('serve on loopback with the rig-kubelet certificate, trusting the rig CA for clients', () => {
    const certs = {
      caCert: '/pki/ca.crt',
      kubeletCert: '/pki/kubelet.crt',
      kubeletKey: '/pki/kubelet.key',
    } as RigCertificates;
    assert.deepEqual(
      rigKubeletArgs({
        binary: '/bin/rig-kubelet-0',
        certs,
        kubeconfigPath: '/rig/kubeconfig',
        nodes: ['rig-node-0', 'rig-node-1'],
        port: 4321,
        rootDir: '/rig/kubelet',
        logPath: '/rig/logs/rig-kubelet.log',
      }),
      [
        '--listen=127.0.0.1:4321',
        '--tls-cert-file=/pki/kubelet.crt',
        '--tls-private-key-file=/pki/kubelet.key',
        '--client-ca-file=/pki/ca.crt',
        '--kubeconfig=/rig/kubeconfig',
        '--root-dir=/rig/kubelet',
        '--nodes=rig-node-0,rig-node-1',
        '--kubelet-client-names=kube-apiserver-kubelet-client',
        '--proxy-client-names=front-proxy-client',
      ],
    );
  });
});

describe('metricsApiObjects', () => {
  const { service, apiService, readerRole } = metricsApiObjects('CA PEM', 4321);

  test('route the aggregator to localhost, never to a cluster IP', () => {
    assert.deepEqual(service.spec, { type: 'ExternalName', externalName: 'localhost' });
    assert.deepEqual(apiService.spec.service, { namespace: 'kube-system', name: 'rig-metrics', port: 4321 });
    assert.equal(apiService.metadata.name, METRICS_API_SERVICE);
    assert.equal(Buffer.from(apiService.spec.caBundle, 'base64').toString(), 'CA PEM');
  });

  test('let view, edit and admin read metrics', () => {
    assert.deepEqual(Object.keys(readerRole.metadata.labels).sort(), [
      'rbac.authorization.k8s.io/aggregate-to-admin',
      'rbac.authorization.k8s.io/aggregate-to-edit',
      'rbac.authorization.k8s.io/aggregate-to-view',
    ]);
  });
});

// The Go side's own unit tests (log selection and streaming, runs and ticks, exec on pipes and on a
// terminal, metrics), run where build.sh builds the server.
const notBuilt = missingBinaries(rigBinaries());
const builtRig = realDependency(
  notBuilt.length === 0,
  `the rig's binaries (${notBuilt.join(', ')}: run bash scripts/kube-rig/build.sh)`,
);

test('the rig-kubelet Go unit tests pass', { ...builtRig.options, timeout: 600_000 }, async () => {
  builtRig.assertPresent();
  const { stdout } = await run('bash', [BUILD_SCRIPT, '--test-rig-kubelet'], { maxBuffer: 16 << 20 });
  assert.match(stdout, /^ok\s+\S+rig-kubelet-test/m);
});
