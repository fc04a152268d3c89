import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from 'pg';
import { createTestDatabase, POSTGRES_URL_ENV, postgresUrlFromEnv } from './postgres.ts';

test('a test database can be created and queried on the test PostgreSQL server', async (t) => {
  const adminUrl = postgresUrlFromEnv();
  if (!adminUrl) {
    const message = `no PostgreSQL: ${POSTGRES_URL_ENV} is not set (scripts/test.ts sets it when PostgreSQL is installed)`;
    if (process.env.CI === 'true') assert.fail(`${message} (PostgreSQL is required when CI=true)`);
    t.skip(message);
    return;
  }

  const url = await createTestDatabase(adminUrl);
  const name = new URL(url).pathname.slice(1);
  assert.match(name, /^t_\d+_\d+_[0-9a-f]+$/);

  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ one: number; database: string }>(
      'select 1 as one, current_database() as database',
    );
    assert.deepEqual(result.rows, [{ one: 1, database: name }]);
  } finally {
    await client.end();
  }

  const other = await createTestDatabase(adminUrl);
  assert.notEqual(other, url);
});
