import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runGantry } from '../support/gantry-process.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/test-server.ts';

describe('gantry client commands', () => {
  let t: TestServer;
  let home: string;
  const gantry = async (...args: string[]) => {
    const run = runGantry(args, { HOME: home });
    const code = await run.exited;
    return { code, stdout: run.stdout(), stderr: run.stderr() };
  };

  before(async () => {
    t = await startTestServer('sqlite');
    home = await mkdtemp(join(tmpdir(), 'gantry-home-'));
  });
  after(async () => {
    await t?.stop();
    await rm(home, { recursive: true, force: true });
  });

  test('commands need a login first', async () => {
    const result = await gantry('project', 'list');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /not logged in: run "gantry login/);
  });

  test('login refuses a bad token and stores nothing', async () => {
    const result = await gantry('login', '--url', t.url, '--token', 'gty_nope');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /401/);
    await assert.rejects(stat(join(home, '.config', 'gantry', 'credentials.json')));
  });

  test('login stores the credentials with mode 0600', async () => {
    const result = await gantry('login', '--url', t.url, '--token', ADMIN_TOKEN);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Logged in to .* as admin/);
    const file = join(home, '.config', 'gantry', 'credentials.json');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { url: t.url, token: ADMIN_TOKEN });
  });

  test('project create and list use the API', async () => {
    const created = await gantry('project', 'create', 'cli/app', '--description', 'from the CLI');
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Created project cli\/app \(id \d+\)/);
    assert.match(created.stdout, new RegExp(`git clone ${t.url}/cli/app.git`));
    const listed = await gantry('project', 'list');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /cli\/app/);
    assert.match(listed.stdout, /\(1 of 1\)/);
    const duplicate = await gantry('project', 'create', 'cli/app');
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.stderr, /409 a project at cli\/app already exists/);
  });

  test('every command answers --help', async () => {
    for (const args of [['login'], ['project', 'create'], ['project', 'list']]) {
      const result = await gantry(...args, '--help');
      assert.equal(result.code, 0, args.join(' '));
      assert.match(result.stdout, /^Usage: gantry/);
    }
    const unknown = await gantry('frobnicate');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
  });
});
