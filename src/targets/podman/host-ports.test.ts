import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PublishedPort } from '../../domain/deployment-snapshot.ts';
import type { KubeObject } from '../kubernetes/kube-object.ts';
import { environmentUrl, freshPortsNeeded, portRequests, publishPorts, withHostPorts } from './host-ports.ts';

const web: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'p-web' },
  spec: {
    template: {
      spec: {
        containers: [
          {
            name: 'web',
            image: 'w',
            ports: [{ containerPort: 8080 }, { containerPort: 53, protocol: 'UDP' }],
          },
          { name: 'admin', image: 'a', ports: [{ containerPort: 9000, hostPort: 19000, hostIP: '0.0.0.0' }] },
        ],
      },
    },
  },
};
const db: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p-db' },
  spec: { containers: [{ name: 'db', image: 'd', ports: [{ containerPort: 5432 }] }] },
};

test('every container port of every pod is a request, with the host port the manifest gave', () => {
  assert.deepEqual(portRequests([web, db]), [
    {
      pod: 'p-web-pod-0',
      container: 'web',
      containerPort: 8080,
      protocol: 'TCP',
      hostPort: null,
      hostIp: null,
    },
    {
      pod: 'p-web-pod-0',
      container: 'web',
      containerPort: 53,
      protocol: 'UDP',
      hostPort: null,
      hostIp: null,
    },
    {
      pod: 'p-web-pod-0',
      container: 'admin',
      containerPort: 9000,
      protocol: 'TCP',
      hostPort: 19000,
      hostIp: '0.0.0.0',
    },
    { pod: 'p-db', container: 'db', containerPort: 5432, protocol: 'TCP', hostPort: null, hostIp: null },
  ]);
});

test('a port keeps the host port the previous deployment published; new ones take fresh ports', () => {
  const requests = portRequests([web, db]);
  const previous: PublishedPort[] = [
    {
      pod: 'p-web-pod-0',
      container: 'web',
      containerPort: 8080,
      protocol: 'TCP',
      hostIp: '127.0.0.1',
      hostPort: 25000,
    },
    {
      pod: 'p-gone',
      container: 'x',
      containerPort: 1,
      protocol: 'TCP',
      hostIp: '127.0.0.1',
      hostPort: 25001,
    },
  ];
  assert.equal(freshPortsNeeded(requests, previous), 2);
  const ports = publishPorts(requests, previous, '127.0.0.1', [26000, 26001]);
  assert.deepEqual(
    ports.map(
      (port) => `${port.container}:${port.containerPort}/${port.protocol} -> ${port.hostIp}:${port.hostPort}`,
    ),
    [
      'web:8080/TCP -> 127.0.0.1:25000',
      'web:53/UDP -> 127.0.0.1:26000',
      'admin:9000/TCP -> 0.0.0.0:19000',
      'db:5432/TCP -> 127.0.0.1:26001',
    ],
  );
  assert.throws(() => publishPorts(requests, [], '127.0.0.1', [1]), /not enough free host ports/);
});

test('host ports and addresses are written into copies of the workloads', () => {
  const ports = publishPorts(portRequests([web, db]), [], '127.0.0.1', [26000, 26001, 26002]);
  const [published, pod] = withHostPorts([web, db], ports);
  const containers = (published!.spec as { template: { spec: { containers: { ports: unknown[] }[] } } })
    .template.spec.containers;
  assert.deepEqual(containers[0]!.ports, [
    { containerPort: 8080, hostPort: 26000, hostIP: '127.0.0.1' },
    { containerPort: 53, protocol: 'UDP', hostPort: 26001, hostIP: '127.0.0.1' },
  ]);
  assert.deepEqual(containers[1]!.ports, [{ containerPort: 9000, hostPort: 19000, hostIP: '0.0.0.0' }]);
  assert.deepEqual((pod!.spec as { containers: { ports: unknown[] }[] }).containers[0]!.ports, [
    { containerPort: 5432, hostPort: 26002, hostIP: '127.0.0.1' },
  ]);
  assert.equal(
    (web.spec as { template: { spec: { containers: { ports: { hostPort?: number }[] }[] } } }).template.spec
      .containers[0]!.ports[0]!.hostPort,
    undefined,
    'the input is not changed',
  );
});

test('the environment URL is the first published TCP port', () => {
  const ports = publishPorts(portRequests([web]), [], '127.0.0.1', [26000, 26001]);
  assert.equal(environmentUrl(ports, '127.0.0.1'), 'http://127.0.0.1:26000');
  assert.equal(environmentUrl(ports, '::1'), 'http://[::1]:26000');
  assert.equal(environmentUrl(ports, null), null, 'not reachable from the server');
  assert.equal(environmentUrl([], '127.0.0.1'), null);
});
