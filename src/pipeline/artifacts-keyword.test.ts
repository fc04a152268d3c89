import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_ARTIFACT_EXPIRY_SECONDS, readArtifacts } from './artifacts-keyword.ts';
import { createDiagnostics } from './diagnostics.ts';
import { formatPipelineError } from './pipeline-error.ts';
import type { YamlMap } from './yaml-node.ts';
import { parseYamlSource } from './yaml-source.ts';

function read(yaml: string) {
  const root = parseYamlSource('f.yml', yaml).root as YamlMap;
  const diagnostics = createDiagnostics();
  const artifacts = readArtifacts(diagnostics, root.entries[0]!.value, 'artifacts');
  return { artifacts, errors: diagnostics.errors.map(formatPipelineError) };
}

test('reads paths, expiry, when, name and dotenv', () => {
  assert.deepEqual(
    read(
      'artifacts: {paths: [dist/], expire_in: 1 week, when: always, name: build, reports: {dotenv: build.env}}\n',
    ),
    {
      artifacts: {
        paths: ['dist/'],
        expireInSeconds: 604_800,
        when: 'always',
        dotenv: 'build.env',
        name: 'build',
      },
      errors: [],
    },
  );
  assert.deepEqual(read('artifacts: {reports: {dotenv: [deploy.env]}, expire_in: never}\n').artifacts, {
    paths: [],
    expireInSeconds: null,
    when: 'on_success',
    dotenv: 'deploy.env',
    name: null,
  });
  assert.equal(read('artifacts: {paths: [a]}\n').artifacts?.expireInSeconds, DEFAULT_ARTIFACT_EXPIRY_SECONDS);
});

test('rejects unsupported keys and report types', () => {
  assert.deepEqual(
    read(
      'artifacts:\n  untracked: true\n  reports: {junit: r.xml, dotenv: [a, b]}\n  when: later\n  expire_in: soon\n  paths: dist\n',
    ).errors,
    [
      'f.yml:2:3: artifacts: unsupported keyword "untracked": artifacts:untracked is not supported; list paths',
      'f.yml:6:10: artifacts:paths: expected a list of strings, got "dist"',
      'f.yml:5:14: artifacts:expire_in: expected a duration such as "30 minutes", "1h 30m" or "2 days", or never, got "soon"',
      'f.yml:4:9: artifacts:when: expected one of on_success, on_failure, always, got "later"',
      'f.yml:3:13: artifacts:reports: unsupported report type "junit": only artifacts:reports:dotenv is supported',
      'f.yml:3:35: artifacts:reports:dotenv: expected one file (Gantry reads a single dotenv report), got 2',
    ],
  );
});
