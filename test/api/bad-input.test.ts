import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/test-server.ts';

interface ErrorBody {
  error: { code: string; message: string; details: Array<{ path: string; message: string }> };
}

for (const dialect of DIALECTS) {
  describe(`bad input on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let projectCount: () => Promise<number>;
    before(async () => {
      t = await startTestServer(dialect);
      projectCount = async () => Number((await t.api('GET', 'projects')).headers.get('x-total'));
    });
    after(() => t?.stop());

    const raw = (method: string, path: string, body: string | Buffer, contentType = 'application/json') =>
      fetch(`${t.url}/api/v1/${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': contentType },
        body,
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as ErrorBody }));

    test('malformed JSON is a 400 naming the problem, and creates nothing', async () => {
      const before = await projectCount();
      const response = await raw('POST', 'projects', '{"path": "a/b",');
      assert.equal(response.status, 400);
      assert.equal(response.body.error.code, 'bad_request');
      assert.match(response.body.error.message, /malformed JSON/);
      assert.equal(await projectCount(), before);
    });

    test('wrong types are a 400 with the field path, never coerced', async () => {
      const before = await projectCount();
      const response = await t.api<ErrorBody>('POST', 'projects', { body: { path: 12345 } });
      assert.equal(response.status, 400);
      assert.equal(response.body.error.code, 'validation_failed');
      assert.deepEqual(
        response.body.error.details.map((d) => d.path),
        ['/path'],
      );
      const member = await t.api<ErrorBody>('POST', 'projects/1/members', {
        body: { user_id: '1', access_level: 30 },
      });
      assert.equal(member.status, 400);
      assert.ok(member.body.error.details.some((d) => d.path === '/user_id'));
      assert.equal(await projectCount(), before);
    });

    test('unknown fields are rejected, not dropped', async () => {
      const response = await t.api<ErrorBody>('POST', 'projects', {
        body: { path: 'x/unknown', visibility: 'public' },
      });
      assert.equal(response.status, 400);
      assert.deepEqual(response.body.error.details, [{ path: '/visibility', message: 'unknown field' }]);
      assert.equal((await t.api('GET', 'projects/x%2Funknown')).status, 404);
    });

    test('missing required fields name the field', async () => {
      const response = await t.api<ErrorBody>('POST', 'projects', { body: {} });
      assert.equal(response.status, 400);
      assert.deepEqual(response.body.error.details, [{ path: '/path', message: 'is required' }]);
    });

    test('oversized bodies get 413 and change nothing', async () => {
      const before = await projectCount();
      const huge = JSON.stringify({ path: 'big/one', description: 'x'.repeat(2 * 1024 * 1024) });
      const response = await raw('POST', 'projects', huge);
      assert.equal(response.status, 413);
      assert.equal(response.body.error.code, 'payload_too_large');
      assert.equal(await projectCount(), before);
    });

    test('a body that is not JSON gets 415', async () => {
      const response = await raw('POST', 'projects', 'path=a/b', 'application/x-www-form-urlencoded');
      assert.equal(response.status, 415);
      assert.equal(response.body.error.code, 'unsupported_media_type');
    });

    const traversals = [
      '../etc',
      'a/../../b',
      '..',
      'a/./b',
      '/abs',
      'a//b',
      'a\\..\\b',
      'x.git',
      '.git/hooks',
      'a/b%00',
    ];
    for (const path of traversals) {
      test(`path traversal in project path ${JSON.stringify(path)} is refused`, async () => {
        const before = await projectCount();
        const response = await t.api<ErrorBody>('POST', 'projects', { body: { path } });
        assert.equal(response.status, 400);
        assert.equal(response.body.error.code, 'validation_failed');
        assert.match(response.body.error.message, /invalid project path/);
        assert.equal(await projectCount(), before);
      });
    }

    test('encoded traversal in a project reference finds nothing', async () => {
      for (const ref of ['..%2F..%2Fetc', '%2E%2E', 'a%2F..%2Fb']) {
        const response = await t.api<ErrorBody>('GET', `projects/${ref}`);
        assert.equal(response.status, 404, ref);
      }
    });

    test('unknown routes answer the error shape', async () => {
      const response = await t.api<ErrorBody>('GET', 'nothing-here');
      assert.equal(response.status, 404);
      assert.equal(response.body.error.code, 'not_found');
    });

    test('internal details never leak: a bad token is 401 with the error shape', async () => {
      const response = await t.api<ErrorBody>('GET', 'projects', { token: 'gty_not-a-real-token' });
      assert.equal(response.status, 401);
      assert.equal(response.body.error.code, 'unauthorized');
    });
  });
}
