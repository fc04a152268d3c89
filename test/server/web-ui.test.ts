import assert from 'node:assert/strict';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ErrorBody } from '../../src/api/error-response.ts';
import { commitFile, gitIn, type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/test-server.ts';

// The web UI as `gantry serve` serves it, from a stand-in build in a temporary GANTRY_WEB_DIR.

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/index-4f2a.js"></script></head></html>';
const SCRIPT = 'document.title = "built";\n';

/** GET with the path sent exactly as written: fetch() would resolve `..` steps before sending. */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET' }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the web UI served by gantry serve', () => {
  let t: TestServer;
  let scratch: ScratchDir;
  let webDir: string;

  before(async () => {
    scratch = await scratchDir('gantry-web-ui-');
    webDir = join(scratch.path, 'dist');
    await mkdir(join(webDir, 'assets'), { recursive: true });
    await writeFile(join(webDir, 'index.html'), INDEX);
    await writeFile(join(webDir, 'assets', 'index-4f2a.js'), SCRIPT);
    await writeFile(join(scratch.path, 'secret.txt'), 'outside the build\n');
    t = await startTestServer('sqlite', { env: { GANTRY_WEB_DIR: webDir } });
  });
  after(async () => {
    await t?.stop();
    await scratch?.cleanup();
  });

  test('index.html at / and at deep links, revalidated, with the security headers', async () => {
    for (const path of ['/', '/projects/3/pipelines/7', '/projects/group%2Fapp/environments?folder=review']) {
      const response = await fetch(`${t.url}${path}`);
      assert.equal(response.status, 200, path);
      assert.equal(await response.text(), INDEX);
      assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(response.headers.get('cache-control'), 'no-cache');
      assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('referrer-policy'), 'same-origin');
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
    }
  });

  test('hashed assets are cached for good; a missing one is a 404', async () => {
    const script = await fetch(`${t.url}/assets/index-4f2a.js`);
    assert.equal(script.status, 200);
    assert.equal(await script.text(), SCRIPT);
    assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const missing = await fetch(`${t.url}/assets/index-gone.js`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as ErrorBody).error.code, 'not_found');
  });

  test('paths out of the build directory are refused', async () => {
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt']) {
      const response = await rawGet(t.url, path);
      assert.equal(response.status, 400, path);
      assert.doesNotMatch(response.body, /outside the build/);
    }
  });

  test('the API is untouched: its routes answer, unknown paths keep the JSON 404', async () => {
    assert.equal((await t.api('GET', 'projects')).status, 200);
    for (const path of ['/api/v1/nothing-here', '/api/nothing']) {
      const response = await t.api<ErrorBody>('GET', path);
      assert.equal(response.status, 404, path);
      assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(response.body.error.code, 'not_found');
    }
    assert.equal((await t.api<ErrorBody>('DELETE', '/projects/3')).body.error.code, 'not_found');
    assert.equal((await fetch(`${t.url}/healthz`)).status, 200);
  });

  test('git clone and push still work beside the UI', async () => {
    const created = await t.api<{ id: number }>('POST', 'projects', { body: { path: 'team/app' } });
    assert.equal(created.status, 201);
    const remote = new URL(`${t.url}/team/app.git`);
    remote.username = 'admin';
    remote.password = ADMIN_TOKEN;
    const work = join(scratch.path, 'work');
    await gitIn(scratch.path, ['clone', '--quiet', remote.toString(), work]);
    const sha = await commitFile(work, 'README.md', '# app\n');
    await gitIn(work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main']);
    const again = join(scratch.path, 'again');
    await gitIn(scratch.path, ['clone', '--quiet', remote.toString(), again]);
    assert.equal((await gitIn(again, ['rev-parse', 'HEAD'])).stdout.trim(), sha);
  });

  test('without a build the UI answers 503 naming the build command, and the API still works', async () => {
    await rename(join(webDir, 'index.html'), join(webDir, 'index.html.away'));
    try {
      const response = await fetch(`${t.url}/projects/3`);
      assert.equal(response.status, 503);
      assert.match(await response.text(), /bash scripts\/setup\.sh/);
      assert.equal((await t.api('GET', 'projects')).status, 200);
    } finally {
      await rename(join(webDir, 'index.html.away'), join(webDir, 'index.html'));
    }
    assert.equal((await fetch(`${t.url}/`)).status, 200);
  });
});
