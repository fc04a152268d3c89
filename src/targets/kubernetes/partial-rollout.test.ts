import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type KubeObject, refKey, refOf } from './kube-object.ts';
import { keepLiveImages } from './partial-rollout.ts';
import { containersOf } from './pod-templates.ts';

const deployment = (
  name: string,
  images: Record<string, string>,
  init: Record<string, string> = {},
): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'shop' },
  spec: {
    template: {
      spec: {
        initContainers: Object.entries(init).map(([container, image]) => ({ name: container, image })),
        containers: Object.entries(images).map(([container, image]) => ({ name: container, image, env: [] })),
      },
    },
  },
});
const configMap: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'web', namespace: 'shop' },
};

const liveMap = (...objects: KubeObject[]) =>
  new Map(objects.map((object) => [refKey(refOf(object)), object]));
/** `name/container=image` for every container of the workloads. */
const images = (objects: KubeObject[]) =>
  objects.flatMap((object) =>
    containersOf(object).map((c) => `${object.metadata.name}/${c.name}=${c.image}`),
  );

test('listed containers take the rendered image; the others keep the live one', () => {
  const rendered = [
    deployment('web', { web: 'web:2', proxy: 'proxy:2', metrics: 'metrics:1' }, { migrate: 'web:2' }),
    deployment('worker', { worker: 'web:2' }),
    configMap,
  ];
  const cases: Array<[string, KubeObject[], string[], string[]]> = [
    [
      'web only',
      [
        deployment('web', { web: 'web:1', proxy: 'proxy:1' }, { migrate: 'web:1' }),
        deployment('worker', { worker: 'web:1' }),
      ],
      ['web'],
      [
        'web/migrate=web:1',
        'web/web=web:2',
        'web/proxy=proxy:1',
        'web/metrics=metrics:1',
        'worker/worker=web:1',
      ],
    ],
    [
      'web, migrate and worker',
      [
        deployment('web', { web: 'web:1', proxy: 'proxy:1' }, { migrate: 'web:1' }),
        deployment('worker', { worker: 'web:1' }),
      ],
      ['web', 'migrate', 'worker'],
      [
        'web/migrate=web:2',
        'web/web=web:2',
        'web/proxy=proxy:1',
        'web/metrics=metrics:1',
        'worker/worker=web:2',
      ],
    ],
    [
      'first deploy of worker',
      [deployment('web', { web: 'web:1', proxy: 'proxy:1' }, { migrate: 'web:1' })],
      ['web'],
      [
        'web/migrate=web:1',
        'web/web=web:2',
        'web/proxy=proxy:1',
        'web/metrics=metrics:1',
        'worker/worker=web:2',
      ],
    ],
    [
      'first deploy',
      [],
      ['web'],
      [
        'web/migrate=web:2',
        'web/web=web:2',
        'web/proxy=proxy:2',
        'web/metrics=metrics:1',
        'worker/worker=web:2',
      ],
    ],
  ];
  const before = structuredClone(rendered);
  for (const [name, live, containers, expected] of cases) {
    assert.deepEqual(images(keepLiveImages(rendered, liveMap(...live), containers).objects), expected, name);
  }
  assert.deepEqual(rendered, before, 'the input is left as it was');
});

test('reports every container that kept its live image', () => {
  const rendered = [deployment('web', { web: 'web:2', proxy: 'proxy:2' }), configMap];
  const live = liveMap(deployment('web', { web: 'web:1', proxy: 'proxy:1' }), configMap);
  const { kept, objects } = keepLiveImages(rendered, live, ['web']);
  assert.deepEqual(kept, [
    {
      ref: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
      container: 'proxy',
      image: 'proxy:1',
      rendered: 'proxy:2',
    },
  ]);
  assert.equal(objects[1], configMap, 'objects without containers pass through');
});
