import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerState } from './container-state.ts';
import { environmentPods, projectPods } from './environment-pods.ts';

const state = (name: string, port: number): ContainerState => ({
  name,
  image: 'localhost/web:v1',
  digest: 'sha256:abc',
  state: 'running',
  health: null,
  restarts: 0,
  exitCode: null,
  error: null,
  startedAt: '2026-01-02T03:04:05Z',
  // Podman shows the pod's ports on each of its containers.
  ports: [
    { host_ip: '127.0.0.1', host_port: 25000, container_port: 8080 },
    { host_ip: '127.0.0.1', host_port: 25001, container_port: port === 8080 ? 9999 : port },
  ],
});

test('pods with their containers by manifest name, the infra container left out, ports by declaring container', () => {
  const pods = environmentPods(
    [
      {
        Name: 'p-web-pod-0',
        Status: 'Running',
        InfraId: 'i1',
        Containers: [
          { Id: 'i1', Names: 'abc-infra' },
          { Id: 'c2', Names: 'p-web-pod-0-web' },
          { Id: 'c1', Names: 'p-web-pod-0-admin' },
        ],
      },
      { Name: 'p-db', Status: 'Exited', InfraId: 'i2', Containers: [{ Id: 'i2', Names: 'def-infra' }] },
    ],
    new Map([
      ['p-web-pod-0-web', state('p-web-pod-0-web', 8080)],
      ['p-web-pod-0-admin', state('p-web-pod-0-admin', 9000)],
    ]),
    [
      {
        pod: 'p-web-pod-0',
        container: 'web',
        containerPort: 8080,
        protocol: 'TCP',
        hostIp: '127.0.0.1',
        hostPort: 25000,
      },
      {
        pod: 'p-web-pod-0',
        container: 'admin',
        containerPort: 9000,
        protocol: 'TCP',
        hostIp: '127.0.0.1',
        hostPort: 25001,
      },
    ],
  );
  assert.deepEqual(
    pods.map((pod) => [
      pod.name,
      pod.status,
      pod.containers.map((c) => [c.name, c.ports.map((p) => p.host_port)]),
    ]),
    [
      ['p-db', 'Exited', []],
      [
        'p-web-pod-0',
        'Running',
        [
          ['admin', [25001]],
          ['web', [25000]],
        ],
      ],
    ],
  );
  assert.deepEqual(Object.keys(pods[1]!.containers[0]!).sort(), [
    'digest',
    'exit_code',
    'health',
    'image',
    'name',
    'ports',
    'restarts',
    'started_at',
    'state',
  ]);
});

test("only the project's pods are its environment's: another project's of the same environment key, or unlabelled ones, are not", () => {
  const listing = (Name: string, Labels?: Record<string, string> | null) => ({
    Name,
    Status: 'Running',
    ...(Labels !== undefined && { Labels }),
  });
  const pods = [
    listing('a-b-c-prod-web-pod-0', { 'gantry.dev/project': '3' }),
    listing('a-b-c-prod-api-pod-0', { 'gantry.dev/project': '4' }),
    listing('a-b-c-prod-db-pod-0', null),
    listing('a-b-c-prod-old-pod-0'),
  ];
  assert.deepEqual(
    projectPods(pods, 3).map((pod) => pod.Name),
    ['a-b-c-prod-web-pod-0'],
  );
});
