import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { startBenchServer } from './bench-server.ts';
import { CleanupRegistry } from './cleanup-registry.ts';

test('a SQLite bench server answers on loopback to the admin token, and cleanup removes it all', async () => {
  const prefix = `gantry-bench-server-test-${process.pid}-`;
  const dataDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith(prefix));
  const cleanup = new CleanupRegistry(() => {});
  const { server, database } = await startBenchServer('sqlite', cleanup, {
    adminToken: 'bench-server-test-token',
    dataDirPrefix: prefix,
  });
  try {
    assert.equal(database, 'SQLite file in the data directory');
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(dataDirs().length, 1);
    const response = await fetch(`${server.url}/api/v1/user`, {
      headers: { authorization: 'Bearer bench-server-test-token' },
    });
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { is_admin: boolean }).is_admin, true);
  } finally {
    await cleanup.cleanUp();
  }
  assert.equal(cleanup.size, 0);
  assert.deepEqual(dataDirs(), []);
});
