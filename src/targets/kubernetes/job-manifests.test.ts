import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freshDirs } from '../../../test/support/fresh-dirs.ts';
import { deploymentRow, environmentRow, jobRow } from '../../../test/support/store-rows.ts';
import type { ProjectRow } from '../../store/repositories/project-repository.ts';
import { renderJobManifests } from './job-manifests.ts';
import { containersOf } from './pod-templates.ts';

const dirs = freshDirs('gantry-job-manifests-');

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  template:
    spec:
      containers:
        - name: web
          image: placeholder
        - name: worker
          image: placeholder
`;

function setup() {
  const root = dirs('tree');
  writeFileSync(join(root, 'app.yaml'), manifest);
  const lines: string[] = [];
  const trees: string[] = [];
  const request = {
    job: jobRow({}),
    deployment: deploymentRow({ id: 3 }),
    environment: environmentRow(),
    project: { id: 1 } as ProjectRow,
    log: { line: async (text: string) => void lines.push(text) },
    signal: new AbortController().signal,
  };
  const sources = {
    exportTree: async (projectId: number, sha: string) => {
      trees.push(`${projectId}@${sha.slice(0, 8)} exported`);
      return { root, dispose: async () => void trees.push('disposed') };
    },
    jobVariables: async () => new Map([['TAG', 'v2']]),
  };
  return { request, sources, lines, trees };
}

test('renders the manifests at the commit and puts in the images, their variables expanded', async () => {
  const { request, sources, lines, trees } = setup();
  const images = { web: 'registry.test/shop:$TAG', worker: 'registry.test/worker:$UNKNOWN' };
  const objects = await renderJobManifests(
    request,
    { manifests: 'app.yaml', images },
    'shop-production',
    sources,
  );
  assert.deepEqual(
    objects.flatMap((object) => containersOf(object).map((container) => container.image)),
    ['registry.test/shop:v2', 'registry.test/worker:$UNKNOWN'],
  );
  assert.deepEqual(lines, ['Rendered 1 objects from app.yaml at aaaaaaaa']);
  assert.deepEqual(trees, ['1@aaaaaaaa exported', 'disposed']);
});

test('the exported tree is removed when rendering fails', async () => {
  const { request, sources, trees } = setup();
  await assert.rejects(
    renderJobManifests(request, { manifests: 'missing.yaml', images: {} }, 'shop-production', sources),
    /missing\.yaml/,
  );
  assert.deepEqual(trees, ['1@aaaaaaaa exported', 'disposed']);
});
