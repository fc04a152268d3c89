import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
before(async () => {
  t = await startTestServer('sqlite');
});
after(() => t?.stop());

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { summary?: string; responses: Record<string, unknown> }>>;
  components: { securitySchemes: Record<string, unknown> };
}

test('the OpenAPI document describes every API route, with summaries and error responses', async () => {
  const response = await fetch(`${t.url}/api/v1/openapi.json`);
  assert.equal(response.status, 200);
  const doc = (await response.json()) as OpenApi;
  assert.match(doc.openapi, /^3\./);
  assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['bearer', 'privateToken', 'session']);
  // OpenAPI 3 cannot describe WebSockets: the runner socket and shells are documented in docs/api.md instead.
  const notHttp = new Set([
    '/api/v1/openapi.json',
    '/api/v1/runners/connect',
    '/api/v1/projects/:id/environments/:environment_id/shell',
  ]);
  const apiRoutes = t.server.app.routeSummaries.filter(
    (r) => r.url.startsWith('/api/v1/') && !notHttp.has(r.url),
  );
  for (const route of apiRoutes) {
    const path = route.url.replace(/:([a-z_]+)/g, '{$1}');
    const operation = doc.paths[path]?.[route.method.toLowerCase()];
    assert.ok(operation, `${route.method} ${path} missing from the OpenAPI document`);
    assert.ok(operation.summary, `${route.method} ${path} has no summary`);
    assert.ok(
      Object.keys(operation.responses).some((status) => status.startsWith('2')),
      `${route.method} ${path}`,
    );
  }
  assert.ok(
    !Object.keys(doc.paths).some((path) => path.includes('*')),
    'git routes stay out of the API document',
  );
});

test('response schemas keep secrets out: hashes and encrypted fields never serialise', async () => {
  const doc = JSON.stringify(await (await fetch(`${t.url}/api/v1/openapi.json`)).json());
  for (const field of [
    'token_hash',
    'password_hash',
    'mirror_password_encrypted',
    'mirror_webhook_secret_encrypted',
  ]) {
    assert.ok(!doc.includes(field), field);
  }
});
