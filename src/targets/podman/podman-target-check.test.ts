import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fakePodmanHost } from '../../../test/podman/fake-podman.ts';
import type { GantryError } from '../../domain/errors.ts';
import { mergePodmanSettings } from './podman-settings.ts';
import { podmanTargetCheck } from './podman-target-check.ts';

test("the check returns the host's Podman version from podman info", async () => {
  const fake = await fakePodmanHost(
    `[ "$1 $2 $3" = "info --format json" ] && echo '{"version":{"Version":"4.3.1"}}'`,
  );
  try {
    const { config, credentials } = mergePodmanSettings({}, null);
    const check = podmanTargetCheck(join(fake.dir, 'scratch'), join(fake.dir, 'podman'));
    assert.deepEqual(await check(config, credentials), { version: '4.3.1' });
  } finally {
    await fake.close();
  }
});

test('a failing check is a validation error saying what to do', async () => {
  const scratch = await mkdtemp(join(tmpdir(), 'gantry-podman-check-'));
  try {
    const { config, credentials } = mergePodmanSettings({}, null);
    await assert.rejects(
      podmanTargetCheck(scratch, '/nonexistent/podman')(config, credentials),
      (error: GantryError) => {
        assert.equal(error.code, 'validation_failed');
        assert.match(
          error.message,
          /^Podman on the Gantry server does not answer: podman is not installed .*apt-get install podman/,
        );
        return true;
      },
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});
