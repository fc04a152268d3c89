import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { SecretBox } from '../secrets/secret-box.ts';
import { PullCredentials } from './pull-credentials.ts';
import { RegistryAccess, type RegistryAccessDeps } from './registry-access.ts';
import { forwardable, type PushLedger, RegistryProxy, returnable } from './registry-proxy.ts';
import { RegistryUpstream } from './registry-upstream.ts';

// The proxy against a stand-in backend (an HTTP server recording what reaches it); the real
// docker-registry is exercised end to end in test/registry/.

const DIGEST = `sha256:${'b'.repeat(64)}`;
const ADMIN = `Basic ${Buffer.from('admin:pat-admin').toString('base64')}`;

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let backend: Server;
let origin: string;
let proxyServer: Server;
let proxyUrl: string;
const seen: Seen[] = [];
const ledger: string[] = [];

before(async () => {
  backend = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url === '/v2/') {
        // An open registry: no challenge, so Gantry sends no credentials of its own.
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else if (req.url?.startsWith('/v2/group/app/blobs/uploads/')) {
        res.writeHead(202, {
          location: `${origin}/v2/group/app/blobs/uploads/u1?_state=x`,
          range: '0-0',
          'docker-upload-uuid': 'u1',
          connection: 'keep-alive',
          'set-cookie': 'backend-session=1; Path=/',
        });
        res.end();
      } else if (req.method === 'PUT' && req.url === '/v2/group/app/manifests/v1') {
        res.writeHead(201, { 'docker-content-digest': DIGEST }).end();
      } else if (req.method === 'DELETE') {
        res.writeHead(202).end();
      } else if (req.url === '/v2/group/app/tags/list') {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="backend"' }).end();
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  const deps: RegistryAccessDeps = {
    authenticateToken: async () => ({ userId: 1, username: 'admin', isAdmin: true, scopes: ['api'] }),
    authenticateJobToken: async () => Promise.reject(new Error('no jobs here')),
    mayPerform: async () => true,
    isMaintainer: async () => true,
    findRecordedProject: async () => undefined,
    findProjectByPath: async (candidates) =>
      candidates.includes('group/app') ? { id: 7, path: 'group/app' } : undefined,
    pullCredentials: new PullCredentials(new SecretBox(Buffer.alloc(32, 3))),
  };
  const recorder: PushLedger = {
    pushed: async (projectId, name, reference, digest) => {
      ledger.push(`pushed ${projectId} ${name} ${reference} ${digest}`);
    },
    deleted: async (name, reference) => {
      ledger.push(`deleted ${name} ${reference}`);
    },
  };
  const proxy = new RegistryProxy({
    access: new RegistryAccess(deps),
    upstream: new RegistryUpstream({ kind: 'remote', url: origin, username: 'gantry', password: 'pw' }),
    ledger: recorder,
    offMessage: '',
    log: () => {},
  });
  proxyServer = createServer((req, res) => void proxy.handle(req, res));
  await new Promise<void>((resolve) => proxyServer.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxyServer.address() as AddressInfo).port}`;
});
after(() => {
  proxyServer?.close();
  backend?.close();
});

test("forwards the body and the client's headers, never its credentials; makes the backend's Location relative", async () => {
  const response = await fetch(`${proxyUrl}/v2/group/app/blobs/uploads/?digest=${DIGEST}`, {
    method: 'POST',
    headers: { authorization: ADMIN, 'content-type': 'application/octet-stream', 'x-extra': 'kept' },
    body: 'layer bytes',
  });
  assert.equal(response.status, 202);
  assert.equal(response.headers.get('location'), '/v2/group/app/blobs/uploads/u1?_state=x');
  assert.equal(response.headers.get('docker-upload-uuid'), 'u1');
  assert.equal(response.headers.get('range'), '0-0');
  const forwarded = seen.find((request) => request.method === 'POST')!;
  assert.equal(forwarded.url, `/v2/group/app/blobs/uploads/?digest=${DIGEST}`);
  assert.equal(forwarded.body, 'layer bytes');
  assert.equal(forwarded.headers['x-extra'], 'kept');
  assert.equal(forwarded.headers.authorization, undefined, "the client's credentials stay with Gantry");
});

test("cookies go neither way: the backend never sees the client's, the client never gets the backend's", async () => {
  const response = await fetch(`${proxyUrl}/v2/group/app/blobs/uploads/`, {
    method: 'POST',
    headers: { authorization: ADMIN, cookie: 'gantry_session=secret' },
  });
  assert.equal(response.status, 202);
  assert.equal(response.headers.get('set-cookie'), null);
  const forwarded = seen.findLast((request) => request.method === 'POST')!;
  assert.equal(forwarded.headers.cookie, undefined);
});

test('the header filters drop credentials, cookies and hop-by-hop headers', () => {
  assert.deepEqual(
    forwardable({
      authorization: 'Basic x',
      cookie: 'a=b',
      connection: 'keep-alive',
      host: 'gantry',
      accept: 'application/json',
    }),
    { accept: 'application/json' },
  );
  assert.deepEqual(
    returnable(
      {
        'set-cookie': ['a=b'],
        'transfer-encoding': 'chunked',
        location: 'http://backend:5000/v2/a/blobs/uploads/u?_state=s',
        'docker-upload-uuid': 'u',
      },
      'http://backend:5000',
    ),
    { location: '/v2/a/blobs/uploads/u?_state=s', 'docker-upload-uuid': 'u' },
  );
});

test('an upload body goes to the backend as bytes, so a form body cannot name another mount source', async () => {
  const response = await fetch(`${proxyUrl}/v2/group/app/blobs/uploads/?mount=${DIGEST}&from=group/app`, {
    method: 'POST',
    headers: { authorization: ADMIN, 'content-type': 'application/x-www-form-urlencoded' },
    body: `mount=${DIGEST}&from=other/x`,
  });
  assert.equal(response.status, 202);
  const forwarded = seen.findLast((request) => request.method === 'POST')!;
  assert.equal(forwarded.headers['content-type'], 'application/octet-stream');
  assert.equal(forwarded.url, `/v2/group/app/blobs/uploads/?mount=${DIGEST}&from=group/app`);
});

test('records a manifest pushed under a tag and a delete, after the backend accepted them', async () => {
  const put = await fetch(`${proxyUrl}/v2/group/app/manifests/v1`, {
    method: 'PUT',
    headers: { authorization: ADMIN, 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    body: '{}',
  });
  assert.equal(put.status, 201);
  const deleted = await fetch(`${proxyUrl}/v2/group/app/manifests/${DIGEST}`, {
    method: 'DELETE',
    headers: { authorization: ADMIN },
  });
  assert.equal(deleted.status, 202);
  assert.deepEqual(ledger, [`pushed 7 group/app v1 ${DIGEST}`, `deleted group/app ${DIGEST}`]);
});

test("a backend refusing Gantry's credentials is a 503 for the client, not a 401", async () => {
  const response = await fetch(`${proxyUrl}/v2/group/app/tags/list`, { headers: { authorization: ADMIN } });
  assert.equal(response.status, 503);
  assert.equal(response.headers.get('www-authenticate'), null);
  assert.equal(
    ((await response.json()) as { errors: Array<{ code: string }> }).errors[0]!.code,
    'UNAVAILABLE',
  );
});

test('refuses unknown paths, invalid names and methods an endpoint does not have, in the registry format', async () => {
  const cases: Array<[string, string, number, string]> = [
    ['GET', '/v2/Group/App/tags/list', 404, 'NAME_INVALID'],
    ['GET', '/v2/group/app/unknown', 404, 'NAME_INVALID'],
    ['POST', '/v2/group/app/manifests/v1', 405, 'UNSUPPORTED'],
    ['DELETE', '/v2/', 405, 'UNSUPPORTED'],
    ['GET', '/v2/other/tags/list', 403, 'DENIED'],
  ];
  for (const [method, path, status, code] of cases) {
    const response = await fetch(`${proxyUrl}${path}`, { method, headers: { authorization: ADMIN } });
    assert.equal(response.status, status, `${method} ${path}`);
    const body = (await response.json()) as { errors: Array<{ code: string }> };
    assert.equal(body.errors[0]!.code, code, `${method} ${path}`);
  }
});
