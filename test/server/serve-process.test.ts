import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type GantryProcess, runGantry, waitUntilReady } from '../support/gantry-process.ts';
import { freePort } from '../support/test-server.ts';

// `gantry serve` as users run it: a separate process, configured by flags and environment.

describe('gantry serve', () => {
  let dataDir: string;
  let port: number;
  let base: string;
  let running: GantryProcess | undefined;
  const start = async (extra: string[] = [], env: Record<string, string> = {}) => {
    running = runGantry(['serve', '--port', String(port), '--data-dir', dataDir, ...extra], {
      GANTRY_LOG_LEVEL: 'warn',
      GANTRY_MIRROR_INTERVAL: '0',
      ...env,
    });
    await waitUntilReady(`${base}/readyz`, running);
    return running;
  };
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    running?.child.kill(signal);
    const code = await running?.exited;
    running = undefined;
    return code;
  };
  let password = '';

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gantry-serve-'));
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  test('--help lists every option with its environment variable', async () => {
    const help = runGantry(['serve', '--help']);
    assert.equal(await help.exited, 0);
    for (const variable of ['GANTRY_PORT', 'GANTRY_DATA_DIR', 'GANTRY_DATABASE_URL', 'GANTRY_EXTERNAL_URL']) {
      assert.match(help.stdout(), new RegExp(variable));
    }
    assert.match(help.stdout(), /GANTRY_SECRET_KEY/);
    assert.match(help.stdout(), /GANTRY_INITIAL_ADMIN_TOKEN/);
    const main = runGantry(['--help']);
    assert.equal(await main.exited, 0);
    assert.match(main.stdout(), /serve/);
  });

  test('first start: admin password printed once, demo project pushed, probes answer; without Podman it says how to install it', async () => {
    // No podman for the target (and no runner: the demo's build would run the host's podman): the
    // demo project is still created, and the server says why it cannot deploy and what to install.
    const server = await start(['--demo'], {
      GANTRY_PODMAN_BINARY: join(dataDir, 'no-such-podman'),
      GANTRY_RUNNER_CONCURRENCY: '0',
    });
    assert.match(
      server.stdout(),
      /The demo project has no Podman target.*not installed.*apt-get install podman/,
    );
    const match = /Created user "admin" with password: (\S+)/.exec(server.stdout());
    assert.ok(match, server.stdout());
    password = match[1]!;
    assert.match(server.stdout(), /Created the demo project: .*\/demo\/hello\.git/);
    assert.deepEqual(await (await fetch(`${base}/healthz`)).json(), { status: 'ok' });
    assert.deepEqual(await (await fetch(`${base}/readyz`)).json(), { status: 'ready' });

    const signIn = await fetch(`${base}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    assert.equal(signIn.status, 200);
    const cookie = signIn.headers.get('set-cookie') ?? '';
    assert.match(cookie, /gantry_session=gts_[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
    const projects = (await (
      await fetch(`${base}/api/v1/projects`, { headers: { cookie: cookie.split(';')[0]! } })
    ).json()) as Array<{ path_with_namespace: string; id: number }>;
    assert.deepEqual(
      projects.map((p) => p.path_with_namespace),
      ['demo/hello'],
    );
    const events = (await (
      await fetch(`${base}/api/v1/projects/${projects[0]!.id}/events`, {
        headers: { cookie: cookie.split(';')[0]! },
      })
    ).json()) as Array<{ ref: string }>;
    assert.deepEqual(
      events.map((e) => e.ref),
      ['refs/heads/main'],
    );
    assert.equal(await stop(), 0);
  });

  test('restart keeps the data and prints no new password', async () => {
    const server = await start(['--demo'], { GANTRY_RUNNER_CONCURRENCY: '0' });
    assert.doesNotMatch(server.stdout(), /password/);
    assert.doesNotMatch(server.stdout(), /Created the demo project/);
    const signIn = await fetch(`${base}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    assert.equal(signIn.status, 200);
    assert.equal(await stop(), 0);
  });

  test('SIGTERM finishes a request in flight before exiting', async () => {
    await start([], { GANTRY_INITIAL_ADMIN_TOKEN: 'unused-because-users-exist-already' });
    const signIn = await fetch(`${base}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const body = JSON.stringify({ path: 'inflight/project' });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        `${base}/api/v1/projects`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': body.length, cookie },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      // Half the body now; the server is told to stop while it waits for the rest.
      req.write(body.slice(0, 10));
      setTimeout(() => {
        running?.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 200);
    });
    const answered = await response;
    assert.equal(answered.status, 201, answered.text);
    assert.equal(await running?.exited, 0);
    running = undefined;

    await start();
    const found = await fetch(`${base}/api/v1/projects/inflight%2Fproject`, { headers: { cookie } });
    assert.equal(found.status, 200);
    assert.equal(await stop(), 0);
  });

  test('bad configuration exits 1 with a message naming the setting', async () => {
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['serve'], { GANTRY_PORT: 'eighty' }, /--port \/ GANTRY_PORT must be a whole number/],
      [
        ['serve', '--port', String(port)],
        { GANTRY_DATABASE_URL: 'mysql://x' },
        /must start with postgres:\/\//,
      ],
      [
        ['serve', '--port', String(port)],
        { GANTRY_SECRET_KEY: 'too-short' },
        /GANTRY_SECRET_KEY must hold a 32-byte key/,
      ],
      [['serve', '--no-such-flag'], {}, /Unknown option '--no-such-flag'/],
      [
        ['serve', '--port', String(port), '--data-dir', join(dataDir, 'pg')],
        { GANTRY_DATABASE_URL: 'postgres://nobody:secret-pw@127.0.0.1:1/gantry' },
        /cannot connect to the database at postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/gantry/,
      ],
    ];
    for (const [args, env, message] of cases) {
      const failed = runGantry(args, env);
      assert.equal(await failed.exited, 1, failed.stderr());
      assert.match(failed.stderr(), message);
      assert.doesNotMatch(failed.stderr(), /secret-pw/);
      assert.doesNotMatch(failed.stderr(), /^\s+at /m, 'no stack trace for a configuration error');
    }
  });
});
