import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../kubernetes/kube-object.ts';
import { workloadsProject } from './podman-teardown.ts';

const pod = (labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p-debug', ...(labels && { labels }) },
  spec: {},
});

test('the project of a snapshot is the gantry.dev/project label its workloads carry', () => {
  assert.equal(workloadsProject([pod({ 'gantry.dev/project': '12' })]), 12);
});

test('workloads without a valid project label are refused rather than removed blindly', () => {
  assert.throws(() => workloadsProject([pod()]), /no gantry\.dev\/project label .*found null/);
  assert.throws(() => workloadsProject([pod({ 'gantry.dev/project': 'x' })]), /found "x"/);
});
