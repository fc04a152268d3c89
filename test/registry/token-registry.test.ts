import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, createPrivateKey, randomBytes, sign, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { commandWorks, realDependency } from '../runner/real-dependency.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { ADMIN_TOKEN, freePort, startTestServer, type TestServer } from '../support/test-server.ts';
import {
  basic,
  registryTools,
  type StandaloneRegistry,
  startStandaloneRegistry,
  unique,
  v2,
} from './registry-helpers.ts';

// The Bearer flow of an external registry: docker-registry with `auth: token` answers
// `WWW-Authenticate: Bearer realm=…,service=…,scope=…`; Gantry fetches a token for each scope from
// the token server with its Basic credentials and sends it on. The registry verifies every token
// (ES256, signed by a certificate in its root bundle); the token server here issues them.

const run = promisify(execFile);
const openssl = realDependency(commandWorks('openssl', ['version']), 'openssl');
const SERVICE = 'test-registry';
const ISSUER = 'gantry-test-token-server';

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

describe('an external registry that wants Bearer tokens', {
  ...registryTools.options,
  ...openssl.options,
}, () => {
  let scratch: ScratchDir;
  let tokenServer: Server;
  let upstream: StandaloneRegistry;
  let t: TestServer;
  const password = `pw-${unique()}`;
  const project = `tok${unique()}/app`;
  const requested: Array<{ scope: string | null; authorized: boolean }> = [];

  before(async () => {
    registryTools.assertPresent();
    openssl.assertPresent();
    scratch = await scratchDir('gantry-token-registry-');
    const key = join(scratch.path, 'key.pem');
    const cert = join(scratch.path, 'cert.pem');
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      `/CN=${ISSUER}`,
    ]);
    const privateKey = createPrivateKey(await readFile(key));
    const certificate = new X509Certificate(await readFile(cert));
    tokenServer = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://token');
      const scope = url.searchParams.get('scope');
      const authorized = request.headers.authorization === basic('gantry', password);
      requested.push({ scope, authorized });
      if (!authorized || url.searchParams.get('service') !== SERVICE) {
        response.writeHead(401).end();
        return;
      }
      const now = Math.floor(Date.now() / 1000);
      const access =
        scope === null
          ? []
          : [
              {
                type: scope.split(':')[0],
                name: scope.split(':').slice(1, -1).join(':'),
                actions: scope.split(':').at(-1)!.split(','),
              },
            ];
      const header = base64url(
        JSON.stringify({ alg: 'ES256', typ: 'JWT', x5c: [certificate.raw.toString('base64')] }),
      );
      const claims = base64url(
        JSON.stringify({
          iss: ISSUER,
          sub: 'gantry',
          aud: SERVICE,
          iat: now,
          nbf: now - 10,
          exp: now + 300,
          jti: randomBytes(8).toString('hex'),
          access,
        }),
      );
      const signature = sign('sha256', Buffer.from(`${header}.${claims}`), {
        key: privateKey,
        dsaEncoding: 'ieee-p1363',
      });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ token: `${header}.${claims}.${base64url(signature)}`, expires_in: 300 }));
    });
    await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
    const tokenPort = (tokenServer.address() as AddressInfo).port;
    upstream = await startStandaloneRegistry(scratch.path, await freePort(), {
      token: {
        realm: `http://127.0.0.1:${tokenPort}/token`,
        service: SERVICE,
        issuer: ISSUER,
        rootcertbundle: cert,
      },
    });
    t = await startTestServer('sqlite', {
      env: {
        GANTRY_RUNNER_CONCURRENCY: '0',
        GANTRY_REGISTRY: upstream.url,
        GANTRY_REGISTRY_USERNAME: 'gantry',
        GANTRY_REGISTRY_PASSWORD: password,
      },
    });
    assert.equal((await t.api('POST', 'projects', { body: { path: project } })).status, 201);
  });
  after(async () => {
    await t?.stop();
    await upstream?.stop();
    tokenServer?.close();
    await scratch?.cleanup();
  });

  test('Gantry answers the challenge with a token per scope, which the registry accepts', async () => {
    const auth = basic('admin', ADMIN_TOKEN);
    assert.equal((await v2(t.url, '/v2/', { auth })).status, 200);
    const blob = Buffer.from('layer bytes');
    const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
    const started = await v2(t.url, `/v2/${project}/blobs/uploads/`, { method: 'POST', auth });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const location = started.headers.get('location')!;
    assert.match(
      location,
      new RegExp(`^/v2/${project}/blobs/uploads/`),
      'the absolute Location became relative',
    );
    const put = await v2(t.url, `${location}${location.includes('?') ? '&' : '?'}digest=${digest}`, {
      method: 'PUT',
      auth,
      body: blob,
      headers: { 'content-type': 'application/octet-stream' },
    });
    assert.equal(put.status, 201, JSON.stringify(put.body));
    const head = await fetch(`${t.url}/v2/${project}/blobs/${digest}`, {
      method: 'HEAD',
      headers: { authorization: auth },
    });
    assert.equal(head.status, 200);
    assert.ok(
      requested.every((request) => request.authorized),
      'Gantry sent its Basic credentials to the token server',
    );
    const scopes = new Set(requested.map((request) => request.scope));
    assert.ok(scopes.has(`repository:${project}:pull,push`), [...scopes].join(' '));
    assert.ok(scopes.has(`repository:${project}:pull`), [...scopes].join(' '));
  });

  test('a cached token is reused for the same scope', async () => {
    const before = requested.length;
    const auth = basic('admin', ADMIN_TOKEN);
    for (let i = 0; i < 3; i++)
      assert.equal((await v2(t.url, `/v2/${project}/tags/list`, { auth })).status, 404);
    assert.ok(requested.length - before <= 1, `${requested.length - before} token requests for one scope`);
  });
});
