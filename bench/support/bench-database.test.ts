import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchDatabase } from './bench-database.ts';
import { CleanupRegistry } from './cleanup-registry.ts';

test('a SQLite run gets a file in the data directory and holds nothing to release', async () => {
  const cleanup = new CleanupRegistry(() => {});
  const database = await benchDatabase('sqlite', '/tmp/gantry-bench-x', cleanup);
  assert.deepEqual(database, {
    url: 'sqlite:/tmp/gantry-bench-x/gantry.db',
    description: 'SQLite file in the data directory',
  });
  assert.equal(cleanup.size, 0);
});
