import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from './kube-object.ts';
import { containersOf, isWorkload, jobTemplateOf, podSpecOf, podTemplateOf } from './pod-templates.ts';

const spec = {
  initContainers: [{ name: 'migrate', image: 'm:1' }],
  containers: [{ name: 'web', image: 'w:1' }],
};
const template = { metadata: { labels: { app: 'a' } }, spec };
const object = (apiVersion: string, kind: string, body: Record<string, unknown>): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name: 'x' },
  ...body,
});

test('finds pod templates, specs and containers of every workload kind', () => {
  const workloads: KubeObject[] = [
    object('apps/v1', 'Deployment', { spec: { template } }),
    object('apps/v1', 'StatefulSet', { spec: { template } }),
    object('apps/v1', 'DaemonSet', { spec: { template } }),
    object('apps/v1', 'ReplicaSet', { spec: { template } }),
    object('batch/v1', 'Job', { spec: { template } }),
    object('batch/v1', 'CronJob', { spec: { jobTemplate: { spec: { template } } } }),
  ];
  for (const workload of workloads) {
    assert.equal(isWorkload(workload), true, workload.kind);
    assert.equal(podTemplateOf(workload), template, workload.kind);
    assert.equal(podSpecOf(workload), spec, workload.kind);
    assert.deepEqual(
      containersOf(workload).map((c) => c.name),
      ['migrate', 'web'],
      workload.kind,
    );
  }
});

test('a Pod has a spec but no template; other kinds, and look-alikes of other groups, have neither', () => {
  const pod = object('v1', 'Pod', { spec });
  assert.equal(isWorkload(pod), true);
  assert.equal(podTemplateOf(pod), undefined);
  assert.equal(podSpecOf(pod), spec);
  const others = [
    object('v1', 'Service', { spec: { template } }),
    object('example.com/v1', 'Job', { spec: { template } }),
    object('apps/v1', 'Deployment', {}),
    object('apps/v1', 'Deployment', { spec: { template: { spec: { containers: 'web' } } } }),
  ];
  for (const other of others) {
    assert.deepEqual(containersOf(other), [], `${other.apiVersion} ${other.kind}`);
  }
  assert.equal(isWorkload(others[1]!), false);
});

test('jobTemplateOf finds the job template of a batch CronJob only', () => {
  const jobTemplate = { metadata: { labels: { a: 'b' } }, spec: { template } };
  assert.equal(jobTemplateOf(object('batch/v1', 'CronJob', { spec: { jobTemplate } })), jobTemplate);
  assert.equal(jobTemplateOf(object('example.com/v1', 'CronJob', { spec: { jobTemplate } })), undefined);
  assert.equal(jobTemplateOf(object('batch/v1', 'Job', { spec: { template } })), undefined);
});
