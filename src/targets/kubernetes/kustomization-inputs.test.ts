import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { freshDirs } from '../../../test/support/fresh-dirs.ts';
import { checkKustomizationInputs, kustomizationFileIn } from './kustomization-inputs.ts';

const dirs = freshDirs('gantry-kustomization-inputs-');

/** A tree with files (path → content, given the path of a kustomization outside the tree). */
function tree(files: (outside: string) => Record<string, string>): {
  root: string;
  overlay: string;
  outside: string;
} {
  const scratch = dirs('case');
  const root = join(scratch, 'repo');
  const outside = join(scratch, 'outside');
  mkdirSync(join(outside, 'kz'), { recursive: true });
  writeFileSync(join(outside, 'kz', 'kustomization.yaml'), 'resources: []\n');
  for (const [path, content] of Object.entries({ 'overlay/.keep': '', ...files(join(outside, 'kz')) })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return {
    root: realpathSync(root),
    overlay: realpathSync(join(root, 'overlay')),
    outside: realpathSync(outside),
  };
}

const base = { 'base/kustomization.yml': 'resources: [web.yaml]\n', 'base/web.yaml': 'kind: X\n' };

test('accepts relative entries inside the tree, nested kustomizations and inline generators', async () => {
  const { root, overlay } = tree(() => ({
    ...base,
    'overlay/kustomization.yaml':
      'resources: [../base, extra.yaml]\ncomponents: [../component]\ntransformers:\n  - |\n    apiVersion: builtin\n    kind: LabelTransformer\n',
    'overlay/extra.yaml': 'kind: X\n',
    'component/Kustomization': 'kind: Component\n',
  }));
  await checkKustomizationInputs(root, overlay);
  assert.equal(await kustomizationFileIn(join(root, 'component')), join(root, 'component', 'Kustomization'));
  assert.equal(await kustomizationFileIn(join(root, 'base')), join(root, 'base', 'kustomization.yml'));
  assert.equal(await kustomizationFileIn(root), undefined);
});

test('refuses entries reaching outside the tree or the network, naming the file and the entry', async () => {
  const cases: Array<[string, (outside: string) => Record<string, string>, string | RegExp]> = [
    [
      'an absolute path',
      (outside) => ({ 'overlay/kustomization.yaml': `resources: [${outside}]\n` }),
      /^overlay\/kustomization\.yaml: the entry \/.*\/kz is an absolute path; only files of the repository are rendered$/,
    ],
    [
      'a remote base',
      () => ({
        'overlay/kustomization.yaml': 'resources: [https://github.com/example/app//deploy?ref=v1]\n',
      }),
      'overlay/kustomization.yaml: the entry https://github.com/example/app//deploy?ref=v1 is not a file or directory of the repository (remote bases are not fetched: rendering is offline)',
    ],
    [
      '.. past the root',
      () => ({ 'overlay/kustomization.yaml': 'resources: [../../outside/kz]\n' }),
      'overlay/kustomization.yaml: the entry ../../outside/kz leads outside the repository',
    ],
    [
      'an outside base reached through a base',
      () => ({
        ...base,
        'base/kustomization.yml': 'bases: [../../outside/kz]\n',
        'overlay/kustomization.yaml': 'resources: [../base]\n',
      }),
      'base/kustomization.yml: the entry ../../outside/kz leads outside the repository',
    ],
    [
      'broken YAML',
      () => ({ 'overlay/kustomization.yaml': 'resources: [a\nnamePrefix: x\n' }),
      /^overlay\/kustomization\.yaml:\d+:\d+: /,
    ],
  ];
  for (const [name, files, message] of cases) {
    const { root, overlay } = tree(files);
    await assert.rejects(checkKustomizationInputs(root, overlay), { name: 'GantryError', message }, name);
  }
});

test('refuses a symbolic link leading outside in a kustomization directory', async () => {
  const { root, overlay, outside } = tree(() => ({
    'overlay/kustomization.yaml': 'resources: [web.yaml]\n',
  }));
  writeFileSync(join(outside, 'secret.yaml'), 'kind: X\n');
  symlinkSync(join(outside, 'secret.yaml'), join(overlay, 'web.yaml'));
  await assert.rejects(checkKustomizationInputs(root, overlay), {
    message: 'overlay/web.yaml is a symbolic link leading outside the repository',
  });
});
