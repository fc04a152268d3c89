import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_PODMAN_ULIMITS, podmanGlobalArgs, podmanRunArgs } from './podman-executor.ts';

const container = {
  name: 'gantry-job-42-abcd1234',
  image: 'localhost/img:1',
  workspace: { dir: '/w/42-x/app', tempDir: '/w/42-x/tmp' },
  envFile: '/w/42-x/runner/step_script.env',
  scriptPath: '/w/42-x/tmp/step_script.sh',
  exportsPath: '',
  startedMarker: '/w/42-x/tmp/step_script.started',
  jobId: 42,
};

test('global flags default to runc and cgroupfs; empty strings leave podman its choice', () => {
  assert.deepEqual(podmanGlobalArgs({}), ['--runtime', 'runc', '--cgroup-manager', 'cgroupfs']);
  assert.deepEqual(podmanGlobalArgs({ runtime: '', cgroupManager: 'systemd' }), [
    '--cgroup-manager',
    'systemd',
  ]);
});

test('podman run: no network, explicit ulimits, env file, mounts at host paths', () => {
  const args = podmanRunArgs({ workDir: '/w' }, container);
  const joined = args.join(' ');
  assert.ok(
    joined.startsWith('--runtime runc --cgroup-manager cgroupfs run --rm --name gantry-job-42-abcd1234 '),
  );
  assert.match(joined, / --network none /);
  assert.match(joined, / --pull missing /);
  for (const ulimit of DEFAULT_PODMAN_ULIMITS) assert.match(joined, new RegExp(` --ulimit ${ulimit} `));
  assert.match(joined, / --env-file \/w\/42-x\/runner\/step_script\.env /);
  assert.match(joined, / --volume \/w\/42-x\/app:\/w\/42-x\/app /);
  assert.match(joined, / --volume \/w\/42-x\/tmp:\/w\/42-x\/tmp /);
  assert.match(joined, / --workdir \/w\/42-x\/app /);
  assert.match(joined, / --entrypoint \/bin\/sh localhost\/img:1 -c /);
  assert.deepEqual(args.slice(-4), ['sh', container.scriptPath, '', container.startedMarker]);
  assert.doesNotMatch(joined, /--env /, 'variables never on the command line');
});

test('options change network, pull policy and ulimits', () => {
  const args = podmanRunArgs(
    { workDir: '/w', network: 'host', pullPolicy: 'never', ulimits: ['nofile=512:512'] },
    container,
  ).join(' ');
  assert.match(args, / --network host /);
  assert.match(args, / --pull never /);
  assert.match(args, / --ulimit nofile=512:512 /);
  assert.doesNotMatch(args, /nproc/);
});
