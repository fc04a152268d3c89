import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freshDirs } from '../../../test/support/fresh-dirs.ts';
import { GantryError } from '../../domain/errors.ts';
import { findKubeTool, runKubeTool } from './kube-tools.ts';

const dirs = freshDirs('gantry-kube-tools-');

function executable(dir: string, name: string, body = 'exit 0'): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

test('finds the override first, then the bundled copy, then PATH', async () => {
  const bundled = dirs('bundled');
  const onPath = dirs('path');
  const override = executable(dirs('override'), 'my-helm');
  const bundledHelm = executable(bundled, 'helm');
  const pathHelm = executable(onPath, 'helm');
  const purpose = 'to render the Helm chart at deploy/chart';

  const cases: Array<[string, Record<string, string>, string, string]> = [
    ['override', { GANTRY_HELM: override, PATH: onPath }, bundled, override],
    ['bundled', { PATH: onPath }, bundled, bundledHelm],
    ['PATH', { PATH: `/nonexistent:${onPath}` }, dirs('empty'), pathHelm],
  ];
  for (const [name, env, bundledDir, expected] of cases) {
    assert.equal(await findKubeTool('helm', purpose, { env, bundledDir }), expected, name);
  }
});

test('a missing tool, or an override that is not executable, says what to do', async () => {
  const empty = dirs('empty');
  const notExecutable = join(empty, 'kubectl');
  writeFileSync(notExecutable, 'text');
  const cases: Array<[Parameters<typeof findKubeTool>, string]> = [
    [
      ['helm', 'to render the Helm chart at deploy/chart', { env: { PATH: empty }, bundledDir: empty }],
      'helm is needed to render the Helm chart at deploy/chart: run bash scripts/setup.sh or set GANTRY_HELM',
    ],
    [
      [
        'kubectl',
        'to build the kustomization at k8s',
        { env: { GANTRY_KUBECTL: notExecutable }, bundledDir: empty },
      ],
      `GANTRY_KUBECTL is set to ${notExecutable}, which is not an executable file; kubectl is needed to build the kustomization at k8s`,
    ],
  ];
  for (const [args, message] of cases) {
    await assert.rejects(findKubeTool(...args), (error: unknown) => {
      assert.ok(error instanceof GantryError);
      assert.equal(error.code, 'unavailable');
      assert.equal(error.message, message);
      return true;
    });
  }
});

test('runKubeTool returns standard output and reports a failure with standard error', async () => {
  const dir = dirs('run');
  const tool = executable(
    dir,
    'tool',
    'if [ "$1" = ok ]; then echo "out $X"; else echo "bad input" >&2; exit 3; fi',
  );
  const run = { what: 'tool check deploy', cwd: dir, env: { X: 'set' } };
  assert.equal(await runKubeTool(tool, ['ok'], run), 'out set\n');
  await assert.rejects(runKubeTool(tool, ['no'], run), {
    name: 'GantryError',
    code: 'validation_failed',
    message: 'tool check deploy failed: bad input',
  });
});

test('runKubeTool stops the tool when aborted', async () => {
  const dir = dirs('abort');
  const tool = executable(dir, 'slow', 'exec sleep 30');
  const controller = new AbortController();
  const running = runKubeTool(tool, [], {
    what: 'slow',
    cwd: dir,
    env: { PATH: '/usr/bin:/bin' },
    signal: controller.signal,
  });
  controller.abort(new Error('job cancelled'));
  await assert.rejects(running, { message: 'job cancelled' });
});
