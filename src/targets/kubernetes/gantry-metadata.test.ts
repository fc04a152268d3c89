import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addGantryMetadata, type GantryIdentity, gantryLabels } from './gantry-metadata.ts';
import type { KubeObject } from './kube-object.ts';

const identity: GantryIdentity = {
  projectId: 12,
  projectPath: 'acme/shop',
  environmentName: 'review/Fix login',
  environmentSlug: 'review-fix-login-3k2d1a',
  deploymentId: 345,
};
const labels = {
  'app.kubernetes.io/managed-by': 'gantry',
  'gantry.dev/project': '12',
  'gantry.dev/environment': 'review-fix-login-3k2d1a',
};
const annotations = {
  'gantry.dev/deployment': '345',
  'gantry.dev/project-path': 'acme/shop',
  'gantry.dev/environment-name': 'review/Fix login',
};

test('every object gets the labels and annotations, over what the manifest had for those keys', () => {
  const cases: Array<[KubeObject, KubeObject['metadata']]> = [
    [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      { name: 'shop', labels, annotations },
    ],
    [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'c',
          labels: { app: 'shop', 'app.kubernetes.io/managed-by': 'Helm' },
          annotations: { note: 'x' },
        },
      },
      { name: 'c', labels: { app: 'shop', ...labels }, annotations: { note: 'x', ...annotations } },
    ],
  ];
  for (const [object, metadata] of cases) {
    assert.deepEqual(addGantryMetadata([object], identity)[0]!.metadata, metadata, object.kind);
  }
});

test('pod templates get the labels only, keeping labels they already set', () => {
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web', 'app.kubernetes.io/managed-by': 'Helm' } },
      template: {
        metadata: { labels: { app: 'web', 'app.kubernetes.io/managed-by': 'Helm' }, annotations: { a: 'b' } },
        spec: { containers: [] },
      },
    },
  };
  const cronJob: KubeObject = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'report' },
    spec: { jobTemplate: { spec: { template: { spec: { containers: [] } } } } },
  };
  const statefulSet: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: { template: {}, volumeClaimTemplates: [{ metadata: { name: 'data' } }] },
  };
  const before = structuredClone([deployment, cronJob, statefulSet]);
  const [web, report, db] = addGantryMetadata([deployment, cronJob, statefulSet], identity);
  assert.deepEqual(web!.spec, {
    selector: { matchLabels: { app: 'web', 'app.kubernetes.io/managed-by': 'Helm' } },
    template: {
      metadata: {
        labels: { ...labels, app: 'web', 'app.kubernetes.io/managed-by': 'Helm' },
        annotations: { a: 'b' },
      },
      spec: { containers: [] },
    },
  });
  assert.deepEqual(report!.spec, {
    jobTemplate: {
      metadata: { labels },
      spec: { template: { metadata: { labels }, spec: { containers: [] } } },
    },
  });
  assert.deepEqual(db!.spec, {
    template: { metadata: { labels } },
    volumeClaimTemplates: [{ metadata: { name: 'data' } }],
  });
  assert.deepEqual([deployment, cronJob, statefulSet], before, 'the input is left as it was');
});

test('label values must be valid label values', () => {
  assert.deepEqual(gantryLabels({ projectId: 7, environmentSlug: 'production' }), {
    ...labels,
    'gantry.dev/project': '7',
    'gantry.dev/environment': 'production',
  });
  const invalid = ['-production', 'a/b', 'x'.repeat(64), 'has space'];
  for (const environmentSlug of invalid) {
    assert.throws(() => gantryLabels({ projectId: 7, environmentSlug }), {
      code: 'validation_failed',
      message: new RegExp(
        `^label gantry\\.dev/environment cannot be "${environmentSlug}": a label value is at most 63`,
      ),
    });
  }
  assert.doesNotThrow(() => gantryLabels({ projectId: 7, environmentSlug: 'x'.repeat(63) }));
});

test('a secrets version goes on pod templates only, so pods restart when the secrets change', () => {
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { template: { metadata: { annotations: { a: 'b' } }, spec: { containers: [] } } },
  };
  const configMap: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
  const cases: Array<[string | null | undefined, Record<string, string>]> = [
    ['v1:abc', { a: 'b', 'gantry.dev/secrets-version': 'v1:abc' }],
    [null, { a: 'b' }],
    [undefined, { a: 'b' }],
  ];
  for (const [secretsVersion, podAnnotations] of cases) {
    const [web, c] = addGantryMetadata([deployment, configMap], { ...identity, secretsVersion });
    const template = (web!.spec as { template: { metadata: { annotations: Record<string, string> } } })
      .template;
    assert.deepEqual(template.metadata.annotations, podAnnotations, String(secretsVersion));
    assert.deepEqual(web!.metadata.annotations, annotations);
    assert.deepEqual(c!.metadata.annotations, annotations);
  }
});

test("a pod template cannot claim another project's or environment's pods", () => {
  const forged: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'aaa' },
    spec: {
      template: {
        metadata: {
          labels: { app: 'aaa', 'gantry.dev/project': '1', 'gantry.dev/environment': 'production' },
        },
        spec: { containers: [] },
      },
    },
  };
  const [applied] = addGantryMetadata([forged], identity);
  const template = (applied!.spec as { template: { metadata: { labels: Record<string, string> } } }).template;
  assert.equal(template.metadata.labels['gantry.dev/project'], labels['gantry.dev/project']);
  assert.equal(template.metadata.labels['gantry.dev/environment'], labels['gantry.dev/environment']);
  assert.equal(template.metadata.labels.app, 'aaa');
});
