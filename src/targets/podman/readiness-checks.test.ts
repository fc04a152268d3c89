import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Container } from '../kubernetes/pod-templates.ts';
import { describeCheck, readinessCheck } from './readiness-checks.ts';

const web: Container = {
  name: 'web',
  ports: [{ containerPort: 8080, name: 'http' }],
  readinessProbe: {
    httpGet: {
      path: 'healthz',
      port: 'http',
      scheme: 'HTTPS',
      httpHeaders: [{ name: 'Host', value: 'shop' }],
    },
    timeoutSeconds: 3,
  },
  livenessProbe: { tcpSocket: { port: 8080 } },
};
const sidecar: Container = { name: 'sidecar', ports: [{ containerPort: 9090, name: 'metrics' }] };

test('the readiness probe wins over the liveness probe; named ports resolve in the pod', () => {
  const check = readinessCheck(web, [web, sidecar]);
  assert.deepEqual(check, {
    kind: 'http',
    port: 8080,
    path: '/healthz',
    https: true,
    headers: { Host: 'shop' },
    timeoutMs: 3000,
  });
  assert.equal(describeCheck(check!), 'HTTPS GET :8080/healthz');
  const other = readinessCheck({ name: 'x', readinessProbe: { tcpSocket: { port: 'metrics' } } }, [
    web,
    sidecar,
  ]);
  assert.deepEqual(other, { kind: 'tcp', port: 9090, timeoutMs: 1000 });
});

test('a liveness probe serves when there is no readiness probe; exec probes run as given', () => {
  const { readinessProbe: _, ...live } = web;
  assert.deepEqual(readinessCheck(live, [live]), { kind: 'tcp', port: 8080, timeoutMs: 1000 });
  const exec = readinessCheck({ name: 'db', livenessProbe: { exec: { command: ['pg_isready', '-q'] } } }, []);
  assert.deepEqual(exec, { kind: 'exec', command: ['pg_isready', '-q'], timeoutMs: 1000 });
  assert.equal(describeCheck(exec!), 'exec pg_isready -q');
  assert.deepEqual(
    readinessCheck({ name: 'p', readinessProbe: { httpGet: { port: '81' } } }, [])?.kind,
    'http',
  );
});

test('no probe, a gRPC probe or an unknown port name: no check', () => {
  assert.equal(readinessCheck({ name: 'plain' }, []), null);
  assert.equal(readinessCheck({ name: 'g', readinessProbe: { grpc: { port: 9000 } } }, []), null);
  assert.equal(readinessCheck({ name: 'n', readinessProbe: { tcpSocket: { port: 'nope' } } }, []), null);
});
