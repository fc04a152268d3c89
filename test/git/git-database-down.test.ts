import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
before(async () => {
  t = await startTestServer('sqlite');
  await t.api('POST', 'projects', { body: { path: 'db/down' } });
});
after(() => t?.stop());

test('a git request answers 500 (and readyz 503) when the database is gone, instead of hanging', async () => {
  await t.server.store.db.destroy();
  const credentials = Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64');
  const response = await fetch(`${t.url}/db/down.git/info/refs?service=git-upload-pack`, {
    headers: { authorization: `Basic ${credentials}` },
    signal: AbortSignal.timeout(10_000),
  });
  assert.equal(response.status, 500);
  assert.equal(await response.text(), 'internal server error\n');
  assert.equal((await fetch(`${t.url}/readyz`)).status, 503);
});
