import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { podmanRow } from '../../../test/podman/fake-podman.ts';
import { SecretBox } from '../../secrets/secret-box.ts';
import type { JobRow } from '../../store/repositories/job-repository.ts';
import type { TargetRepository, TargetRow } from '../../store/repositories/target-repository.ts';
import { PodmanScriptVariables } from './podman-script-variables.ts';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';
const job = { project_id: 1 } as JobRow;

const variablesWith = (row: TargetRow | undefined, secrets: SecretBox) =>
  new PodmanScriptVariables({
    targets: { findForEnvironment: async () => row } as unknown as TargetRepository,
    secrets,
  }).variablesFor(job, { name: 'production' });

test('script jobs on a remote Podman target get its settings, URL and SSH key', async () => {
  const secrets = new SecretBox(randomBytes(32));
  const variables = await variablesWith(
    podmanRow(secrets, { url: 'ssh://core@host/run/podman/podman.sock', ssh_key: KEY, runtime: 'crun' }),
    secrets,
  );
  assert.deepEqual(
    variables.map(({ key, file }) => [key, file]),
    [
      ['CONTAINERS_CONF', true],
      ['CONTAINER_HOST', false],
      ['CONTAINER_SSHKEY', true],
    ],
  );
  assert.match(variables[0]!.value, /runtime = "crun"/);
  assert.equal(variables[1]!.value, 'ssh://core@host/run/podman/podman.sock');
  assert.equal(variables[2]!.value, KEY);
});

test('a local Podman target hands only its settings; other targets nothing', async () => {
  const secrets = new SecretBox(randomBytes(32));
  assert.deepEqual(
    (await variablesWith(podmanRow(secrets), secrets)).map((variable) => variable.key),
    ['CONTAINERS_CONF'],
  );
  assert.deepEqual(await variablesWith({ ...podmanRow(secrets), kind: 'kubernetes' }, secrets), []);
  assert.deepEqual(await variablesWith(undefined, secrets), []);
});
