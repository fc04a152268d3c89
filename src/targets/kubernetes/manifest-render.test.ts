import assert from 'node:assert/strict';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { realDependency } from '../../../test/runner/real-dependency.ts';
import { freshDirs } from '../../../test/support/fresh-dirs.ts';
import { BUNDLED_TOOLS_DIR } from './kube-tools.ts';
import { type RenderRequest, renderManifests } from './manifest-render.ts';

const dirs = freshDirs('gantry-manifest-render-');

// kubectl and helm as scripts/setup.sh extracts them (or as GANTRY_KUBECTL / GANTRY_HELM name them).
const tools = realDependency(
  ['kubectl', 'helm'].every(
    (tool) => process.env[`GANTRY_${tool.toUpperCase()}`] || existsSync(join(BUNDLED_TOOLS_DIR, tool)),
  ),
  `kubectl and helm in ${BUNDLED_TOOLS_DIR}`,
);

/** A checked-out tree holding `files` (path → content). */
function checkout(files: Record<string, string>): string {
  const root = dirs('repo');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const render = (root: string, path: string, extra: Partial<RenderRequest> = {}) =>
  renderManifests({ root, path, releaseName: 'shop', namespace: 'shop-production', ...extra });

/** `kind name @ source` per object: what most cases compare. */
const summary = async (rendered: ReturnType<typeof render>) =>
  (await rendered).map(({ object, source }) => `${object.kind} ${object.metadata.name} @ ${source}`);

const deployment = (name: string, containers: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: ${containers}
`;

test('a plain directory: every YAML and JSON file in path order, hidden ones left out', async () => {
  const root = checkout({
    'deploy/web.yaml': `${deployment('web', '[{name: web, image: shop/web:1}]')}---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n`,
    'deploy/config/settings.json':
      '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}}',
    'deploy/config/notes.md': '# not a manifest',
    'deploy/.github/ci.yml': 'on: push\n',
    'deploy/.draft.yaml': 'not: an object\n',
  });
  assert.deepEqual(await summary(render(root, 'deploy/')), [
    'ConfigMap settings @ deploy/config/settings.json:1',
    'Deployment web @ deploy/web.yaml:1',
    'Service web @ deploy/web.yaml:12',
  ]);
  assert.deepEqual(await summary(render(root, 'deploy/web.yaml')), [
    'Deployment web @ deploy/web.yaml:1',
    'Service web @ deploy/web.yaml:12',
  ]);
  const [web] = await render(root, 'deploy/web.yaml');
  assert.deepEqual(web!.object.spec, {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'shop/web:1' }] },
    },
  });
});

test('broken YAML and documents that are no object are named by file:line:column', async () => {
  const root = checkout({
    'deploy/a.yaml': deployment('a', '[{name: a, image: x}]'),
    'deploy/web.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [1, 2\n',
    'other/no-name.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n',
  });
  await assert.rejects(render(root, 'deploy'), {
    code: 'validation_failed',
    message: /^deploy\/web\.yaml:\d+:\d+: /,
  });
  await assert.rejects(render(root, 'other'), {
    message:
      'other/no-name.yaml:1:1: a Kubernetes object needs apiVersion, kind and metadata.name; this one has no metadata.name',
  });
});

test('paths outside the tree, missing, empty or of another kind are refused', async () => {
  const outside = checkout({ 'secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: {name: stolen}\n' });
  const root = checkout({
    'deploy/README.md': 'nothing',
    'notes.txt': 'x',
    'leaky/ok.yaml': deployment('a', '[]'),
  });
  symlinkSync(join(outside, 'secret.yaml'), join(root, 'leaky', 'secret.yaml'));
  symlinkSync(outside, join(root, 'elsewhere'));
  const cases: Array<[string, string]> = [
    ['../x', 'deploy:manifests must stay inside the repository, got ../x with ".."'],
    [
      '/etc/kubernetes',
      'deploy:manifests must be a path inside the repository, got the absolute path /etc/kubernetes',
    ],
    ['k8s', 'deploy:manifests: k8s does not exist at this commit'],
    [
      'elsewhere/secret.yaml',
      'deploy:manifests: elsewhere/secret.yaml is a symbolic link leading outside the repository',
    ],
    ['leaky', 'leaky/secret.yaml is a symbolic link leading outside the repository'],
    ['deploy', 'deploy:manifests: deploy holds no Kubernetes objects'],
    [
      'notes.txt',
      'deploy:manifests: notes.txt is not a .yaml, .yml or .json file, nor a directory of manifests, a kustomization or a Helm chart',
    ],
  ];
  for (const [path, message] of cases) {
    await assert.rejects(render(root, path), { code: 'validation_failed', message }, path);
  }
});

test('an aborted render stops before reading', async () => {
  const root = checkout({ 'a.yaml': deployment('a', '[]') });
  await assert.rejects(render(root, '.', { signal: AbortSignal.abort(new Error('job cancelled')) }), {
    message: 'job cancelled',
  });
});

test('a kustomization is built by kubectl kustomize, with its transforms', tools.options, async () => {
  tools.assertPresent();
  const root = checkout({
    'k8s/base/kustomization.yaml': 'resources: [web.yaml]\n',
    'k8s/base/web.yaml': deployment('web', '[{name: web, image: shop/web:1}]'),
    'k8s/overlay/kustomization.yaml': `resources: [../base]
namePrefix: prod-
images:
  - name: shop/web
    newTag: "2"
`,
  });
  const rendered = await render(root, 'k8s/overlay');
  assert.deepEqual(
    rendered.map(({ object, source }) => [object.metadata.name, source]),
    [['prod-web', 'kustomization k8s/overlay']],
  );
  const spec = rendered[0]!.object.spec as { template: { spec: { containers: Array<{ image: string }> } } };
  assert.equal(spec.template.spec.containers[0]!.image, 'shop/web:2');
});

test('kustomize failures and remote bases are reported with what went wrong', tools.options, async () => {
  tools.assertPresent();
  const root = checkout({
    'missing/kustomization.yaml': 'resources: [gone.yaml]\n',
    'remote/kustomization.yaml': 'resources: [github.com/example/app/deploy?ref=v1]\n',
    'bad/Kustomization': 'resources: [web.yaml]\nnamePrefix: [not, a, string]\n',
    'bad/web.yaml': deployment('web', '[]'),
  });
  await assert.rejects(render(root, 'missing'), {
    message:
      /^missing\/kustomization\.yaml: the entry gone\.yaml is not a file or directory of the repository/,
  });
  await assert.rejects(render(root, 'remote'), { message: /remote bases are not fetched/ });
  await assert.rejects(render(root, 'bad'), {
    code: 'validation_failed',
    message: /^kubectl kustomize bad failed: .+/,
  });
});

const chart = {
  'deploy/chart/Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 0.1.0\n',
  'deploy/chart/values.yaml': 'replicas: 3\nimage: shop/web:7\n',
  'deploy/chart/crds/widget.yaml': `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
`,
  'deploy/chart/templates/web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  namespace: {{ .Release.Namespace }}
spec:
  replicas: {{ .Values.replicas }}
  template:
    spec:
      containers:
        - name: web
          image: {{ .Values.image }}
{{- if .Values.extra }}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: extra}
{{- end }}
`,
  'deploy/chart/templates/tests/smoke.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: smoke
  annotations: {helm.sh/hook: test}
`,
};

test(
  'a Helm chart is rendered by helm template with its values, CRDs and no test hooks',
  tools.options,
  async () => {
    tools.assertPresent();
    const root = checkout(chart);
    const rendered = await render(root, 'deploy/chart', { releaseName: 'shop' });
    assert.deepEqual(
      rendered.map(({ object, source }) => `${object.kind} ${object.metadata.name} @ ${source}`),
      [
        'CustomResourceDefinition widgets.example.com @ helm chart deploy/chart: shop/crds/widget.yaml',
        'Deployment shop-web @ helm chart deploy/chart: shop/templates/web.yaml',
      ],
    );
    const web = rendered[1]!.object;
    assert.equal(web.metadata.namespace, 'shop-production');
    const spec = web.spec as {
      replicas: number;
      template: { spec: { containers: Array<{ image: string }> } };
    };
    assert.equal(spec.replicas, 3);
    assert.equal(spec.template.spec.containers[0]!.image, 'shop/web:7');
  },
);

test('a failing chart reports helm errors; a missing helm says how to get it', tools.options, async () => {
  tools.assertPresent();
  const root = checkout({ ...chart, 'deploy/chart/templates/broken.yaml': 'x: {{ .Values.nope.deep }}\n' });
  await assert.rejects(render(root, 'deploy/chart'), {
    code: 'validation_failed',
    message: /^helm template deploy\/chart failed: .*shop\/templates\/broken\.yaml:1:\d+/s,
  });
  const empty = dirs('no-tools');
  await assert.rejects(render(root, 'deploy/chart', { tools: { env: { PATH: empty }, bundledDir: empty } }), {
    code: 'unavailable',
    message:
      'helm is needed to render the Helm chart at deploy/chart: run bash scripts/setup.sh or set GANTRY_HELM',
  });
});
