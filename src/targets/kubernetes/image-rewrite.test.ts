import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rewriteImages } from './image-rewrite.ts';
import type { KubeObject } from './kube-object.ts';

const podSpec = (containers: Record<string, string>, initContainers: Record<string, string> = {}) => ({
  initContainers: Object.entries(initContainers).map(([name, image]) => ({ name, image })),
  containers: Object.entries(containers).map(([name, image]) => ({
    name,
    image,
    ports: [{ containerPort: 80 }],
  })),
});
const workload = (apiVersion: string, kind: string, spec: unknown): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name: kind.toLowerCase() },
  spec,
});

const manifests: KubeObject[] = [
  workload('apps/v1', 'Deployment', {
    template: { spec: podSpec({ web: 'web:1', sidecar: 'proxy:1' }, { migrate: 'web:1' }) },
  }),
  workload('v1', 'Pod', podSpec({ web: 'web:1' })),
  workload('apps/v1', 'StatefulSet', { template: { spec: podSpec({ db: 'pg:16' }) } }),
  workload('apps/v1', 'DaemonSet', { template: { spec: podSpec({ agent: 'agent:1' }) } }),
  workload('apps/v1', 'ReplicaSet', { template: { spec: podSpec({ web: 'web:1' }) } }),
  workload('batch/v1', 'Job', { template: { spec: podSpec({ migrate: 'web:1' }) } }),
  workload('batch/v1', 'CronJob', {
    jobTemplate: { spec: { template: { spec: podSpec({ report: 'web:1' }) } } },
  }),
  workload('example.com/v1', 'Job', { template: { spec: podSpec({ web: 'web:1' }) } }),
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' }, data: { image: 'web:1' } },
];

/** `apiVersion Kind/container=image` for every container-like entry of every object (workload or not). */
const images = (objects: KubeObject[]) =>
  objects.flatMap((object) =>
    Array.from(
      JSON.stringify(object).matchAll(/"name":"([a-z]+)","image":"([^"]+)"/g),
      ([, name, image]) => `${object.apiVersion} ${object.kind}/${name}=${image}`,
    ),
  );

test('rewrites containers and init containers by name in every workload kind', () => {
  const cases: Array<[string, Record<string, string>, string[]]> = [
    [
      'web and migrate',
      { web: 'registry.local/web:2', migrate: 'registry.local/web:2' },
      [
        'apps/v1 Deployment/migrate=registry.local/web:2',
        'apps/v1 Deployment/web=registry.local/web:2',
        'apps/v1 Deployment/sidecar=proxy:1',
        'v1 Pod/web=registry.local/web:2',
        'apps/v1 StatefulSet/db=pg:16',
        'apps/v1 DaemonSet/agent=agent:1',
        'apps/v1 ReplicaSet/web=registry.local/web:2',
        'batch/v1 Job/migrate=registry.local/web:2',
        'batch/v1 CronJob/report=web:1',
        'example.com/v1 Job/web=web:1',
      ],
    ],
    [
      'the rest',
      { db: 'pg:17', agent: 'agent:2', report: 'report:2', sidecar: 'proxy:2' },
      [
        'apps/v1 Deployment/migrate=web:1',
        'apps/v1 Deployment/web=web:1',
        'apps/v1 Deployment/sidecar=proxy:2',
        'v1 Pod/web=web:1',
        'apps/v1 StatefulSet/db=pg:17',
        'apps/v1 DaemonSet/agent=agent:2',
        'apps/v1 ReplicaSet/web=web:1',
        'batch/v1 Job/migrate=web:1',
        'batch/v1 CronJob/report=report:2',
        'example.com/v1 Job/web=web:1',
      ],
    ],
  ];
  const before = structuredClone(manifests);
  for (const [name, wanted, expected] of cases) {
    assert.deepEqual(images(rewriteImages(manifests, wanted).objects), expected, name);
  }
  assert.deepEqual(manifests, before, 'the input is left as it was');
});

test('reports each rewritten container with its old image', () => {
  const { changes, objects } = rewriteImages(manifests, { migrate: 'web:2' });
  assert.deepEqual(changes, [
    {
      ref: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'deployment' },
      container: 'migrate',
      from: 'web:1',
      to: 'web:2',
    },
    {
      ref: { apiVersion: 'batch/v1', kind: 'Job', name: 'job' },
      container: 'migrate',
      from: 'web:1',
      to: 'web:2',
    },
  ]);
  assert.equal(objects[2], manifests[2], 'objects without a rewritten container are not copied');
  assert.deepEqual(rewriteImages(manifests, {}), { objects: manifests, changes: [] });
});

test('an entry naming no container of any workload is an error', () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ web: 'web:2', api: 'api:2' }, 'deploy:images names container api, which no workload has'],
    [{ api: 'api:2', worker: 'w:2' }, 'deploy:images names containers api, worker, which no workload has'],
    [{ image: 'x' }, 'deploy:images names container image, which no workload has'],
  ];
  for (const [wanted, message] of cases) {
    assert.throws(() => rewriteImages(manifests, wanted), {
      name: 'GantryError',
      code: 'validation_failed',
      message,
    });
  }
});
