import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readDeploy } from './deploy-keyword.ts';
import { createDiagnostics } from './diagnostics.ts';
import { formatPipelineError } from './pipeline-error.ts';
import type { YamlMap } from './yaml-node.ts';
import { parseYamlSource } from './yaml-source.ts';

function read(yaml: string) {
  const root = parseYamlSource('f.yml', yaml).root as YamlMap;
  const diagnostics = createDiagnostics();
  const deploy = readDeploy(diagnostics, root.entries[0]!.value, 'job "p" deploy');
  return { deploy, errors: diagnostics.errors.map(formatPipelineError) };
}

test('reads the brief example', () => {
  const result = read(`deploy:
  manifests: k8s/
  images:
    web: $CI_REGISTRY_IMAGE/web:$CI_COMMIT_SHORT_SHA
  containers: [web]
  strategy: { steps: [10, 50, 100], pause: 2m }
  timeout: 5m
`);
  assert.deepEqual(result, {
    deploy: {
      manifests: 'k8s/',
      images: { web: '$CI_REGISTRY_IMAGE/web:$CI_COMMIT_SHORT_SHA' },
      containers: ['web'],
      strategy: { steps: [10, 50, 100], pauseSeconds: 120 },
      timeoutSeconds: 300,
      files: null,
      release: null,
      site: null,
      maven: null,
      playbook: null,
      check: false,
    },
    errors: [],
  });
  assert.deepEqual(read('deploy: {manifests: chart/}\n').deploy, {
    manifests: 'chart/',
    images: {},
    containers: null,
    strategy: null,
    timeoutSeconds: null,
    files: null,
    release: null,
    site: null,
    maven: null,
    playbook: null,
    check: false,
  });
  assert.deepEqual(read('deploy: {manifests: k8s, strategy: {steps: [100]}}\n').deploy?.strategy, {
    steps: [100],
    pauseSeconds: 0,
  });
});

test('reports every problem', () => {
  assert.deepEqual(read('deploy: {images: {web: x}}\n').errors, [
    'f.yml:1:9: job "p" deploy: expected manifests: with a path to the manifests, files: with the path of the files to ship, or playbook: with the path of an Ansible playbook',
  ]);
  assert.deepEqual(
    read(`deploy:
  manifests: k8s
  images: {Web: x, api: 3}
  containers: [db]
  strategy: {steps: [10, 5, 120, 50], pause: soon}
  timeout: forever
  replicas: 3
`).errors,
    [
      'f.yml:7:3: job "p" deploy: unknown keyword "replicas"; expected one of manifests, files, images, containers, strategy, timeout, before, after, health_check, keep_releases, stop, cache_control, content_types, delete_removed, maven, playbook, check',
      'f.yml:3:12: job "p" deploy:images:Web: a container name is lowercase letters, digits and - (a DNS label)',
      'f.yml:3:25: job "p" deploy:images:api: expected an image reference, got 3',
      'f.yml:4:16: job "p" deploy:containers[0]: container "db" has no image in deploy:images',
      'f.yml:5:26: job "p" deploy:strategy:steps[1]: expected steps in ascending order, got 5 after 10',
      'f.yml:5:29: job "p" deploy:strategy:steps[2]: expected a percentage from 1 to 100, got 120',
      'f.yml:5:46: job "p" deploy:strategy:pause: expected a duration such as "30 minutes", "1h 30m" or "2 days", got "soon"',
      'f.yml:6:12: job "p" deploy:timeout: expected a duration such as "30 minutes", "1h 30m" or "2 days", got "forever"',
    ],
  );
  assert.deepEqual(read('deploy: {manifests: k, strategy: {steps: [10, 50]}}\n').errors, [
    'f.yml:1:42: job "p" deploy:strategy:steps: expected the last step to be 100, got 50',
  ]);
  assert.deepEqual(read('deploy: {manifests: k, strategy: {pause: 1m}}\n').errors, [
    'f.yml:1:34: job "p" deploy:strategy: expected steps: with percentages of replicas ending at 100',
  ]);
});

test('reads files and the release steps of host targets', () => {
  const result = read(`deploy:
  files: dist/
  before: [./migrate, [echo ready]]
  after: systemctl reload app
  health_check: { url: "http://127.0.0.1:8080/health", timeout: 1m }
  keep_releases: 3
  stop: systemctl stop app
`);
  assert.deepEqual(result, {
    deploy: {
      manifests: null,
      images: {},
      containers: null,
      strategy: null,
      timeoutSeconds: null,
      files: 'dist/',
      release: {
        before: ['./migrate', 'echo ready'],
        after: ['systemctl reload app'],
        healthCheck: { command: null, url: 'http://127.0.0.1:8080/health', timeoutSeconds: 60 },
        keepReleases: 3,
        stop: 'systemctl stop app',
      },
      site: null,
      maven: null,
      playbook: null,
      check: false,
    },
    errors: [],
  });
  assert.deepEqual(
    read('deploy: {files: public, health_check: {command: "test -f index.html"}}\n').deploy?.release,
    {
      before: [],
      after: [],
      healthCheck: { command: 'test -f index.html', url: null, timeoutSeconds: 30 },
      keepReleases: null,
      stop: null,
    },
  );
});

test('release steps: every problem is reported where it is', () => {
  assert.deepEqual(
    read(`deploy:
  files: 3
  before: {a: b}
  health_check: { command: x, url: "ftp://h/", retries: 3 }
  keep_releases: 0
`).errors,
    [
      'f.yml:2:10: job "p" deploy:files: expected a path to the files to ship, got 3',
      'f.yml:3:11: job "p" deploy:before: expected a string or a list of strings, got a mapping',
      'f.yml:4:48: job "p" deploy:health_check: unknown keyword "retries"; expected one of command, url, timeout',
      'f.yml:4:17: job "p" deploy:health_check: expected either command: or url:',
      'f.yml:4:36: job "p" deploy:health_check:url: expected an http(s) URL, got "ftp://h/"',
      'f.yml:5:18: job "p" deploy:keep_releases: expected an integer from 1 to 100, got 0',
    ],
  );
});

test('reads the bucket keys of S3 targets, in file order', () => {
  const result = read(`deploy:
  files: public
  cache_control: { "*.html": no-cache, "assets/**": "public, max-age=31536000, immutable" }
  content_types: { .webmanifest: application/manifest+json }
  delete_removed: true
`);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.deploy?.site, {
    cacheControl: [
      { pattern: '*.html', value: 'no-cache' },
      { pattern: 'assets/**', value: 'public, max-age=31536000, immutable' },
    ],
    contentTypes: { webmanifest: 'application/manifest+json' },
    deleteRemoved: true,
  });
  assert.deepEqual(read('deploy: {files: public, delete_removed: false}\n').deploy?.site, {
    cacheControl: [],
    contentTypes: {},
    deleteRemoved: false,
  });
  assert.deepEqual(
    read('deploy: {files: p, content_types: {"a b": x/y, js: "not a type"}, delete_removed: 3}\n').errors,
    [
      'f.yml:1:43: job "p" deploy:content_types:a b: expected a file extension such as .webmanifest, got "a b"',
      'f.yml:1:52: job "p" deploy:content_types:js: expected a media type such as application/manifest+json, got "not a type"',
      'f.yml:1:83: job "p" deploy:delete_removed: expected true or false, got 3',
    ],
  );
});

test('reads the Maven publication: coordinates, a POM and the files with their classifiers', () => {
  const result = read(`deploy:
  files: target
  maven:
    group_id: com.example
    artifact_id: shop
    version: $CI_COMMIT_TAG
    artifacts: [shop.jar, { file: shop-sources.jar, classifier: sources }, { file: shop.tgz, extension: tar.gz }]
`);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.deploy?.maven, {
    groupId: 'com.example',
    artifactId: 'shop',
    version: '$CI_COMMIT_TAG',
    pom: null,
    artifacts: [
      { file: 'shop.jar', classifier: null, extension: null },
      { file: 'shop-sources.jar', classifier: 'sources', extension: null },
      { file: 'shop.tgz', classifier: null, extension: 'tar.gz' },
    ],
  });
  assert.deepEqual(read('deploy: {files: t, maven: {group_id: g, artifacts: [{classifier: x}]}}\n').errors, [
    'f.yml:1:27: job "p" deploy:maven: expected artifact_id: with the artifact id',
    'f.yml:1:27: job "p" deploy:maven: expected version: with the version, such as 1.2.0 or $CI_COMMIT_TAG',
    'f.yml:1:53: job "p" deploy:maven:artifacts[0]: expected file: with the path of the file',
  ]);
});

test('reads an Ansible playbook and check mode', () => {
  const result = read('deploy: {playbook: deploy/site.yml, check: true}\n');
  assert.deepEqual(result.errors, []);
  assert.equal(result.deploy?.playbook, 'deploy/site.yml');
  assert.equal(result.deploy?.check, true);
  assert.equal(read('deploy: {playbook: site.yml}\n').deploy?.check, false);
  assert.deepEqual(read('deploy: {playbook: site.yml, check: 1}\n').errors, [
    'f.yml:1:37: job "p" deploy:check: expected true or false, got 1',
  ]);
  assert.deepEqual(read('deploy: {files: public, check: true}\n').errors, [
    'f.yml:1:32: job "p" deploy:check: a dry run is for playbook: (Ansible targets)',
  ]);
});
