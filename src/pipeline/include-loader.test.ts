import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSources, MAX_INCLUDE_DEPTH } from './include-loader.ts';
import { formatPipelineError, sortPipelineErrors } from './pipeline-error.ts';
import type { YamlNode } from './yaml-node.ts';

function reader(files: Record<string, string>) {
  const reads: string[] = [];
  const read = async (path: string) => {
    reads.push(path);
    return files[path];
  };
  return { read, reads };
}

function plain(node: YamlNode | null): unknown {
  if (node === null) return null;
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map(plain);
  return Object.fromEntries(node.entries.map((entry) => [entry.key, plain(entry.value)]));
}

async function load(files: Record<string, string>) {
  const result = await loadSources('main.yml', reader(files).read);
  return {
    root: plain(result.root),
    files: result.files,
    errors: sortPipelineErrors(result.errors, result.files).map(formatPipelineError),
  };
}

test('merges includes in order, the including file last', async () => {
  const result = await load({
    'main.yml': 'include:\n  - a.yml\n  - local: /ci/b.yml\nvariables: {X: main}\njob: {script: main}\n',
    'a.yml': 'variables: {X: a, Y: a}\njob: {stage: build, script: a}\nother: {script: a}\n',
    'ci/b.yml': 'include: ci/c.yml\nvariables: {Y: b}\n',
    'ci/c.yml': 'variables: {Z: c}\n',
  });
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.files, ['main.yml', 'a.yml', 'ci/b.yml', 'ci/c.yml']);
  assert.deepEqual(result.root, {
    variables: { X: 'main', Y: 'b', Z: 'c' },
    job: { stage: 'build', script: 'main' },
    other: { script: 'a' },
  });
});

test('a single string and a single mapping are accepted', async () => {
  assert.deepEqual((await load({ 'main.yml': 'include: a.yml\n', 'a.yml': 'x: {script: y}\n' })).root, {
    x: { script: 'y' },
  });
  assert.deepEqual((await load({ 'main.yml': 'include: {local: a.yaml}\n', 'a.yaml': 'x: 1\n' })).root, {
    x: 1,
  });
});

test('reads each file once, merges repeated includes again', async () => {
  const { read, reads } = reader({
    'main.yml': 'include: [a.yml, b.yml]\n',
    'a.yml': 'include: base.yml\nj: {script: a}\n',
    'b.yml': 'include: base.yml\n',
    'base.yml': 'j: {script: base, stage: s}\n',
  });
  const result = await loadSources('main.yml', read);
  assert.deepEqual(reads, ['main.yml', 'a.yml', 'base.yml', 'b.yml']);
  assert.deepEqual(plain(result.root), { j: { script: 'base', stage: 's' } });
});

test('reports missing files, cycles, depth and unsupported include types', async () => {
  const result = await load({
    'main.yml': [
      'include:',
      '  - missing.yml',
      '  - a.yml',
      '  - remote: https://example.com/x.yml',
      '  - https://example.com/y.yml',
      '  - template: Auto-DevOps.gitlab-ci.yml',
      '  - local: ci/*.yml',
      '  - notes.txt',
      '  - ../outside.yml',
      '  - 42',
      '  - {local: x.yml, rules: [{if: $X}]}',
      '  - ci/$ENV.yml',
      '',
    ].join('\n'),
    'a.yml': 'include: b.yml\n',
    'b.yml': 'include: main.yml\n',
  });
  assert.equal(result.root, null);
  assert.deepEqual(result.errors, [
    'main.yml:2:5: include[0]: file "missing.yml" does not exist at this commit',
    'main.yml:4:5: include[2]: unsupported keyword "remote": only include:local is supported',
    'main.yml:5:5: include[3]: only include:local is supported; remote URLs cannot be included',
    'main.yml:6:5: include[4]: unsupported keyword "template": only include:local is supported',
    'main.yml:7:12: include[5]:local: wildcard include paths are not supported; list each file',
    'main.yml:8:5: include[6]: expected a path ending in .yml or .yaml, got "notes.txt"',
    'main.yml:9:5: include[7]: the path "../outside.yml" leaves the repository',
    'main.yml:10:5: include[8]: expected a file path, {local: path} or a list of them, got 42',
    'main.yml:11:20: include[9]: unsupported keyword "rules": include:rules is not supported; every listed file is included',
    'main.yml:12:5: include[10]: variables in include paths are not supported; write the path literally',
    'b.yml:1:10: include: include cycle main.yml → a.yml → b.yml → main.yml',
  ]);
});

test('limits nesting depth', async () => {
  const files: Record<string, string> = { 'main.yml': 'include: f1.yml\n' };
  for (let i = 1; i <= MAX_INCLUDE_DEPTH + 1; i++)
    files[`f${i}.yml`] = `include: f${i + 1}.yml\nj${i}: {script: x}\n`;
  files[`f${MAX_INCLUDE_DEPTH + 2}.yml`] = 'last: {script: x}\n';
  const result = await load(files);
  assert.deepEqual(result.errors, [
    `f${MAX_INCLUDE_DEPTH}.yml:1:10: include: includes nest deeper than ${MAX_INCLUDE_DEPTH} levels`,
  ]);
  files[`f${MAX_INCLUDE_DEPTH}.yml`] = 'end: {script: x}\n';
  assert.deepEqual((await load(files)).errors, []);
});

test('reports unreadable main and included files', async () => {
  assert.deepEqual((await load({})).errors, [
    'main.yml:1:1: pipeline file "main.yml" does not exist at this commit',
  ]);
  assert.deepEqual((await load({ 'main.yml': '# nothing\n' })).errors, [
    'main.yml:1:1: the file is empty; expected a mapping of jobs and keywords',
  ]);
  assert.deepEqual((await load({ 'main.yml': '- a\n' })).errors, [
    'main.yml:1:1: expected a mapping of jobs and keywords at the top level, got a list',
  ]);
  assert.deepEqual(
    (await load({ 'main.yml': 'include: [e.yml, bad.yml]\n', 'e.yml': '', 'bad.yml': 'a: [\n' })).errors,
    [
      'main.yml:1:11: include: file "e.yml" is empty; expected a mapping of jobs and keywords',
      'bad.yml:2:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
  );
});
