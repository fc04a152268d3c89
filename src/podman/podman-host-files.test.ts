import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { podmanHostFilePaths, writePodmanHostFiles } from './podman-host-files.ts';

test('writes containers.conf always and registries.conf only for insecure registries', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'gantry-podman-files-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const paths = podmanHostFilePaths(dataDir);

  const withRegistry = await writePodmanHostFiles({
    dataDir,
    settings: { runtime: 'crun' },
    insecureRegistries: ['127.0.0.1:8080'],
  });
  assert.deepEqual(withRegistry.environment, {
    CONTAINERS_CONF: paths.containersConf,
    CONTAINERS_REGISTRIES_CONF: paths.registriesConf,
  });
  assert.match(await readFile(paths.containersConf, 'utf8'), /runtime = "crun"/);
  assert.match(await readFile(paths.registriesConf, 'utf8'), /location = "127.0.0.1:8080"\ninsecure = true/);
  assert.equal((await stat(paths.dir)).mode & 0o777, 0o700);

  const without = await writePodmanHostFiles({ dataDir, settings: {}, insecureRegistries: [] });
  assert.equal(without.registriesConf, null);
  assert.deepEqual(without.environment, { CONTAINERS_CONF: paths.containersConf });
  await assert.rejects(stat(paths.registriesConf), { code: 'ENOENT' });
  assert.match(await readFile(paths.containersConf, 'utf8'), /runtime = "runc"/);
});
