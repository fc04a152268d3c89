import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ADMIN_USER,
  createCertificates,
  KUBELET_CLIENT_USER,
  PROXY_CLIENT_USER,
  type RigCertificates,
} from './certificates.ts';

describe('createCertificates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-rig-certs-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let paths: RigCertificates;
  const cert = (path: string) => new X509Certificate(readFileSync(path));
  before(async () => {
    paths = await createCertificates(dir);
  });

  test('the CA signs the serving and the admin certificates', () => {
    const ca = cert(paths.caCert);
    assert.equal(ca.ca, true);
    assert.ok(cert(paths.servingCert).verify(ca.publicKey));
    assert.ok(cert(paths.adminCert).verify(ca.publicKey));
  });

  test('the serving certificate is for loopback only', () => {
    const serving = cert(paths.servingCert);
    assert.equal(serving.ca, false);
    assert.equal(serving.subjectAltName, 'IP Address:127.0.0.1, DNS:localhost');
    assert.equal(serving.checkIP('127.0.0.1'), '127.0.0.1');
  });

  test('the rig-kubelet serves 127.0.0.1 and the metrics Service name the aggregator checks', () => {
    const kubelet = cert(paths.kubeletCert);
    assert.ok(kubelet.verify(cert(paths.caCert).publicKey));
    assert.equal(
      kubelet.subjectAltName,
      'IP Address:127.0.0.1, DNS:localhost, DNS:rig-metrics.kube-system.svc',
    );
  });

  test('the API server has client certificates for the kubelet and as the front proxy', () => {
    const ca = cert(paths.caCert);
    for (const [path, user] of [
      [paths.kubeletClientCert, KUBELET_CLIENT_USER],
      [paths.proxyClientCert, PROXY_CLIENT_USER],
    ] as const) {
      assert.ok(cert(path).verify(ca.publicKey));
      assert.equal(cert(path).subject, `CN=${user}`);
    }
  });

  test('the admin is in system:masters', () => {
    assert.equal(cert(paths.adminCert).subject, `O=system:masters\nCN=${ADMIN_USER}`);
  });

  test('the service-account keys are a PEM pair', () => {
    assert.match(readFileSync(paths.serviceAccountKey, 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
    assert.match(readFileSync(paths.serviceAccountPublicKey, 'utf8'), /^-----BEGIN PUBLIC KEY-----/);
  });
});
