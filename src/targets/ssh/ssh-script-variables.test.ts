import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { SecretBox } from '../../secrets/secret-box.ts';
import type { JobRow } from '../../store/repositories/job-repository.ts';
import type { TargetRepository, TargetRow } from '../../store/repositories/target-repository.ts';
import { targetSecretContext } from '../../webhooks/webhook-secrets.ts';
import { SshScriptVariables } from './ssh-script-variables.ts';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';
const job = { project_id: 1 } as JobRow;

function sshRow(secrets: SecretBox, credentials: { private_key?: string; password?: string }): TargetRow {
  const config = {
    hosts: [
      { host: 'web1', port: 22, known_hosts: 'web1 ssh-ed25519 AAAA1', fingerprints: [] },
      { host: '10.0.0.2', port: 2222, known_hosts: '[10.0.0.2]:2222 ssh-ed25519 AAAA2\n', fingerprints: [] },
    ],
    user: 'deploy',
    deploy_to: '/srv/shop',
    parallelism: 1,
    keep_releases: 5,
    auth: [],
  };
  return {
    id: 9,
    project_id: 1,
    name: 'hosts',
    kind: 'ssh',
    environment_scope: '*',
    config: JSON.stringify(config),
    secret_encrypted: secrets.encrypt(JSON.stringify(credentials), targetSecretContext(9)),
    created_at: '',
    updated_at: '',
  } as TargetRow;
}

const variablesWith = (row: TargetRow | undefined, secrets: SecretBox) =>
  new SshScriptVariables({
    targets: { findForEnvironment: async () => row } as unknown as TargetRepository,
    secrets,
  }).variablesFor(job, { name: 'production' });

test('script jobs on an SSH target get its hosts, recorded host keys and key as files', async () => {
  const secrets = new SecretBox(randomBytes(32));
  const variables = await variablesWith(sshRow(secrets, { private_key: KEY }), secrets);
  const byKey = Object.fromEntries(variables.map((variable) => [variable.key, variable]));
  assert.deepEqual(Object.keys(byKey), [
    'SSH_USER',
    'SSH_HOSTS',
    'SSH_DEPLOY_TO',
    'SSH_KNOWN_HOSTS',
    'SSH_HOST',
    'SSH_PORT',
    'SSH_PRIVATE_KEY',
  ]);
  assert.equal(byKey.SSH_HOSTS?.value, 'web1:22 10.0.0.2:2222');
  assert.equal(byKey.SSH_KNOWN_HOSTS?.value, 'web1 ssh-ed25519 AAAA1\n[10.0.0.2]:2222 ssh-ed25519 AAAA2\n');
  assert.equal(byKey.SSH_KNOWN_HOSTS?.file, true);
  assert.equal(byKey.SSH_PRIVATE_KEY?.value, KEY);
  assert.equal(byKey.SSH_PRIVATE_KEY?.file, true);
  assert.equal(byKey.SSH_PORT?.value, '22');
});

test('a password is handed masked; other targets hand nothing', async () => {
  const secrets = new SecretBox(randomBytes(32));
  const variables = await variablesWith(sshRow(secrets, { password: 'pa55-word' }), secrets);
  const password = variables.find((variable) => variable.key === 'SSH_PASSWORD');
  assert.deepEqual(password, { key: 'SSH_PASSWORD', value: 'pa55-word', file: false, masked: true });
  assert.equal(
    variables.some((variable) => variable.key === 'SSH_PRIVATE_KEY'),
    false,
  );
  assert.deepEqual(await variablesWith({ ...sshRow(secrets, {}), kind: 'podman' }, secrets), []);
  assert.deepEqual(await variablesWith(undefined, secrets), []);
});
