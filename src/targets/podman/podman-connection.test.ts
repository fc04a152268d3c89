import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { podmanRow } from '../../../test/podman/fake-podman.ts';
import { SecretBox } from '../../secrets/secret-box.ts';
import { environmentKey, podmanSettingsOf } from './podman-connection.ts';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';

test("a stored target's settings read back with the SSH key decrypted", () => {
  const secrets = new SecretBox(randomBytes(32));
  const remote = podmanSettingsOf(
    podmanRow(secrets, { url: 'ssh://core@host/run/podman/podman.sock', ssh_key: KEY }),
    secrets,
  );
  assert.equal(remote.config.url, 'ssh://core@host/run/podman/podman.sock');
  assert.equal(remote.credentials.ssh_key, KEY);
  assert.deepEqual(podmanSettingsOf(podmanRow(secrets), secrets).credentials, { ssh_key: null });
  assert.throws(() => podmanSettingsOf({ ...podmanRow(secrets), kind: 'kubernetes' }, secrets), /not podman/);
});

test("an environment's key is the project path slug and environment slug, a valid label value", () => {
  assert.equal(
    environmentKey({ id: 3, path: 'Shop/Web.App' }, 'review-feat-x-1a2b3c'),
    'shop-web-app-review-feat-x-1a2b3c',
  );
  const long = environmentKey({ id: 3, path: `group/${'a'.repeat(80)}` }, 'production');
  assert.ok(long.length <= 63);
  assert.match(long, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
});
