import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import type { GantryApp } from './gantry-app.ts';
import { BUILD_COMMAND, HTML_SECURITY_HEADERS, webUiRoutes } from './web-ui-routes.ts';

const INDEX = '<!doctype html><title>ui</title><div id="root"></div>';
const SCRIPT = 'document.title = "built";\n';

/** An app with the web UI and, standing in for git, a catch-all that answers `/repo.git/…` only. */
async function appServing(webDir: string): Promise<GantryApp> {
  const app = Fastify().withTypeProvider() as unknown as GantryApp;
  webUiRoutes(app, webDir);
  app.route({
    method: ['GET', 'POST'],
    url: '/*',
    handler: async (request, reply) => (request.url.startsWith('/repo.git/') ? 'git' : reply.callNotFound()),
  });
  await app.ready();
  return app;
}

describe('web UI routes', () => {
  const root = mkdtempSync(join(tmpdir(), 'gantry-web-ui-'));
  const built = join(root, 'dist');
  let app: GantryApp;
  before(async () => {
    mkdirSync(join(built, 'assets'), { recursive: true });
    writeFileSync(join(built, 'index.html'), INDEX);
    writeFileSync(join(built, 'assets', 'index-4f2a.js'), SCRIPT);
    writeFileSync(join(built, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(root, 'secret.txt'), 'outside the build');
    symlinkSync(join(root, 'secret.txt'), join(built, 'leak.txt'));
    symlinkSync(join(root, 'secret.txt'), join(built, 'assets', 'leak.js'));
    app = await appServing(built);
  });
  after(async () => {
    await app?.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('/ and deep links answer index.html, revalidated, with the security headers', async () => {
    for (const url of ['/', '/projects/3/pipelines/7', '/projects/3?tab=jobs', '/environments/review%2Fx']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 200, url);
      assert.equal(response.body, INDEX);
      assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(response.headers['cache-control'], 'no-cache');
      for (const [name, value] of Object.entries(HTML_SECURITY_HEADERS)) {
        assert.equal(response.headers[name], value, name);
      }
    }
  });

  test("the CSP lets only this origin's scripts, styles and connections in", () => {
    const csp = HTML_SECURITY_HEADERS['content-security-policy'] ?? '';
    for (const directive of [
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
      "frame-ancestors 'none'",
    ]) {
      assert.ok(csp.split('; ').includes(directive), directive);
    }
    assert.doesNotMatch(csp, /unsafe/);
  });

  test('hashed assets are cached for a year; other files of the build are revalidated', async () => {
    const script = await app.inject({ method: 'GET', url: '/assets/index-4f2a.js' });
    assert.equal(script.statusCode, 200);
    assert.equal(script.body, SCRIPT);
    assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(script.headers['x-content-type-options'], 'nosniff');
    assert.equal(script.headers['content-security-policy'], undefined);

    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    assert.equal(icon.headers['content-type'], 'image/svg+xml');
    assert.equal(icon.headers['cache-control'], 'no-cache');
  });

  test('HEAD answers the headers without the body', async () => {
    const response = await app.inject({ method: 'HEAD', url: '/assets/index-4f2a.js' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-length'], String(Buffer.byteLength(SCRIPT)));
    assert.equal(response.body, '');
  });

  test('a missing hashed asset is a 404, never index.html', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/index-old.js' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().error.code, 'not_found');
  });

  test('paths leaving the build directory are refused', async () => {
    // Only encoded forms: the injected request's URL is normalized, as a browser's is (the server test
    // sends raw `..` steps).
    for (const url of ['/assets/..%2f..%2fsecret.txt', '/assets/x%5c..%5c..%5csecret.txt']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 400, url);
      assert.equal(response.json().error.code, 'bad_request');
      assert.doesNotMatch(response.body, /outside the build/);
    }
  });

  test('a symbolic link leading out of the build directory is not followed', async () => {
    const page = await app.inject({ method: 'GET', url: '/leak.txt' });
    assert.equal(page.statusCode, 200);
    assert.equal(page.body, INDEX);
    const asset = await app.inject({ method: 'GET', url: '/assets/leak.js' });
    assert.equal(asset.statusCode, 404);
    assert.doesNotMatch(asset.body, /outside the build/);
  });

  test('/api/… and methods other than GET and HEAD keep the JSON 404', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/nothing-here'],
      ['GET', '/api'],
      ['HEAD', '/api/v2/x'],
      ['POST', '/projects/3'],
      ['DELETE', '/'],
    ] as const) {
      const response = await app.inject({ method, url });
      assert.equal(response.statusCode, 404, `${method} ${url}`);
      assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
      if (method !== 'HEAD') assert.equal(response.json().error.code, 'not_found');
    }
  });

  test('the catch-all route still answers its own paths', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/repo.git/info/refs' })).body, 'git');
  });
});

describe('web UI routes without a build', () => {
  const webDir = mkdtempSync(join(tmpdir(), 'gantry-web-ui-unbuilt-'));
  let app: GantryApp;
  before(async () => {
    app = await appServing(webDir);
  });
  after(async () => {
    await app?.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  test('the UI answers 503 naming the build command; the API is unaffected', async () => {
    for (const url of ['/', '/projects/3']) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 503);
      assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(response.headers['cache-control'], 'no-store');
      assert.ok(response.body.includes(BUILD_COMMAND));
    }
    const api = await app.inject({ method: 'GET', url: '/api/v1/projects' });
    assert.equal(api.statusCode, 404);
    assert.equal(api.json().error.code, 'not_found');
  });

  test('a build made while the server runs is served at once', async () => {
    writeFileSync(join(webDir, 'index.html'), INDEX);
    const response = await app.inject({ method: 'GET', url: '/' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, INDEX);
  });
});
