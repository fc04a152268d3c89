import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fakePodmanHost } from '../../../test/podman/fake-podman.ts';
import type { GantryError } from '../../domain/errors.ts';
import { PodmanHost } from './podman-host.ts';
import { PodmanService, removeStaleDirectories } from './podman-service.ts';
import { mergePodmanSettings } from './podman-settings.ts';

test('stale service directories: those of Gantry processes that are gone are removed, nothing else', async () => {
  const parent = await mkdtemp(join(tmpdir(), 'gantry-stale-'));
  const ended = spawn('true');
  await once(ended, 'close');
  const living = spawn('sleep', ['1000']);
  try {
    const names = {
      gone: `gantry-podman-api-${ended.pid}-abc123`,
      living: `gantry-podman-api-${living.pid}-def456`,
      mine: `gantry-podman-api-${process.pid}-ghi789`,
      other: 'gantry-podman-api-unknown',
    };
    for (const name of Object.values(names)) {
      await mkdir(join(parent, name));
      await writeFile(join(parent, name, 'podman.sock'), '');
    }
    await writeFile(join(parent, `gantry-podman-api-${ended.pid}-file`), 'not a directory');
    await removeStaleDirectories(parent);
    assert.deepEqual(
      (await readdir(parent)).sort(),
      [`gantry-podman-api-${ended.pid}-file`, names.living, names.mine, names.other].sort(),
    );
    await removeStaleDirectories(join(parent, 'missing'));
  } finally {
    living.kill();
    await rm(parent, { recursive: true, force: true });
  }
});

test('the service is podman system service, exiting when idle, on a socket of the host session; its failure says why', async () => {
  const fake = await fakePodmanHost(
    'echo "$*" > "$(dirname "$0")/args"; echo "Error: cannot listen" >&2; exit 1',
  );
  try {
    await assert.rejects(
      PodmanService.start(fake.host),
      (error: GantryError) =>
        error.code === 'unavailable' &&
        error.message === 'podman system service ended on the Gantry server: cannot listen',
    );
    const args = (await readFile(join(fake.dir, 'args'), 'utf8')).trim();
    assert.match(
      args,
      new RegExp(`^system service --time=60 unix://${fake.host.dir}/api-\\w+/podman\\.sock$`),
    );
    assert.deepEqual(
      (await readdir(fake.host.dir)).filter((name) => name.startsWith('api-')),
      [],
      'its directory is removed',
    );
  } finally {
    await fake.close();
  }
});

test('podman missing: the service cannot start, and says podman is not installed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gantry-no-podman-'));
  const host = await PodmanHost.open({
    ...mergePodmanSettings({}, null),
    scratchDir: join(dir, 'scratch'),
    binary: join(dir, 'no-such-podman'),
  });
  try {
    await assert.rejects(
      PodmanService.start(host),
      (error: GantryError) => error.code === 'unavailable' && /not installed/.test(error.message),
    );
  } finally {
    await host.close();
    await rm(dir, { recursive: true, force: true });
  }
});
