import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openStore, redactUrl } from './database.ts';

test('redacts passwords in database URLs', () => {
  assert.equal(redactUrl('postgres://gantry:s3cret@db:5432/gantry'), 'postgres://gantry:***@db:5432/gantry');
  assert.equal(redactUrl('postgres://db/gantry'), 'postgres://db/gantry');
  assert.equal(redactUrl('sqlite:/var/gantry.db'), 'sqlite:/var/gantry.db');
});

test('an unreachable PostgreSQL gives a clear error without the password', async () => {
  const store = openStore('postgres://gantry:s3cret@127.0.0.1:1/gantry');
  try {
    await assert.rejects(store.migrate(), (error: Error) => {
      assert.match(
        error.message,
        /^cannot connect to the database at postgres:\/\/gantry:\*\*\*@127\.0\.0\.1:1\/gantry: /,
      );
      assert.doesNotMatch(error.message, /s3cret/);
      return true;
    });
  } finally {
    await store.close();
  }
});

test('SQLite in memory migrates twice without error and answers pings', async () => {
  const store = openStore('sqlite::memory:');
  await store.migrate();
  await store.migrate();
  assert.equal(await store.ping(), true);
  await store.close();
});
