import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SecretBox } from '../../src/secrets/secret-box.ts';
import { loadOrCreateKeyFile } from '../../src/secrets/secret-key-source.ts';
import { environmentSecretContext } from '../../src/services/environment-secret-service.ts';
import { GANTRY_BIN, runGantry } from '../support/gantry-process.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/test-server.ts';

// gantry secret set / list / delete against a real server, as a user runs them.

interface SecretRow {
  key: string;
  environment_scope: string;
  value_encrypted: string;
}

describe('gantry secret', () => {
  let t: TestServer;
  let scratch: ScratchDir;
  const env = () => ({ HOME: scratch.path, GANTRY_URL: t.url, GANTRY_TOKEN: ADMIN_TOKEN });
  const gantry = async (...args: string[]) => {
    const run = runGantry(args, env());
    const code = await run.exited;
    return { code, stdout: run.stdout(), stderr: run.stderr() };
  };
  /** Runs `gantry` with `input` piped to its standard input. */
  const gantryWithInput = (input: string | Buffer, ...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(GANTRY_BIN, args, {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env() },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(input);
    });
  const stored = async (projectId: number): Promise<SecretRow[]> =>
    t.server.store.db
      .selectFrom('environment_secrets')
      .select(['key', 'environment_scope', 'value_encrypted'])
      .where('project_id', '=', projectId)
      .orderBy('key')
      .orderBy('environment_scope')
      .execute();

  before(async () => {
    t = await startTestServer('sqlite', { env: { GANTRY_RUNNER_CONCURRENCY: '0' } });
    scratch = await scratchDir();
  });
  after(async () => {
    await t?.stop();
    await scratch?.cleanup();
  });

  test('set creates and then changes a secret, from --value or standard input; list never shows values', async () => {
    const project = await t.api<{ id: number }>('POST', 'projects', { body: { path: 'cli/secrets' } });
    const id = project.body.id;

    const empty = await gantry('secret', 'list', 'cli/secrets');
    assert.equal(empty.code, 0, empty.stderr);
    assert.equal(empty.stdout, 'cli/secrets has no environment secrets\n');

    const created = await gantry('secret', 'set', 'cli/secrets', 'API_TOKEN', '--value', 'from-flag-1');
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, 'Created secret API_TOKEN (environments *, 11 bytes) in cli/secrets\n');

    const piped = await gantryWithInput(
      'from-stdin-2\n',
      'secret',
      'set',
      'cli/secrets',
      'API_TOKEN',
      '--env',
      'production',
    );
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(
      piped.stdout,
      'Created secret API_TOKEN (environments production, 13 bytes) in cli/secrets\n',
    );

    const changed = await gantryWithInput('rotated-3', 'secret', 'set', String(id), 'API_TOKEN');
    assert.equal(changed.code, 0, changed.stderr);
    assert.equal(changed.stdout, `Updated secret API_TOKEN (environments *, 9 bytes) in ${id}\n`);

    const pem = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
    const file = await gantryWithInput(pem, 'secret', 'set', 'cli/secrets', 'tls.crt', '--env', 'review/*');
    assert.equal(file.code, 0, file.stderr);

    const listed = await gantry('secret', 'list', 'cli/secrets');
    assert.equal(listed.code, 0, listed.stderr);
    const lines = listed.stdout.trim().split('\n');
    assert.match(lines[0]!, /^KEY\s+ENVIRONMENTS\s+UPDATED$/);
    assert.match(lines[1]!, /^API_TOKEN\s+\*\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    assert.match(lines[2]!, /^API_TOKEN\s+production\s+\d{4}-/);
    assert.match(lines[3]!, /^tls\.crt\s+review\/\*\s+\d{4}-/);
    assert.equal(lines.length, 4);
    for (const value of ['from-flag-1', 'from-stdin-2', 'rotated-3', 'MIIBfake']) {
      assert.ok(!listed.stdout.includes(value), value);
    }

    // What the deployer receives: standard input byte for byte, the newline kept.
    const secrets = await stored(id);
    assert.deepEqual(
      secrets.map((s) => `${s.key}@${s.environment_scope}`),
      ['API_TOKEN@*', 'API_TOKEN@production', 'tls.crt@review/*'],
    );
    const box = new SecretBox(loadOrCreateKeyFile(join(t.dataDir, 'secret.key')));
    assert.deepEqual(
      secrets.map((s) =>
        box.decrypt(s.value_encrypted, environmentSecretContext(id, s.key, s.environment_scope)),
      ),
      ['rotated-3', 'from-stdin-2\n', pem],
    );

    const deleted = await gantry('secret', 'delete', 'cli/secrets', 'API_TOKEN', '--env', 'production');
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(deleted.stdout, 'Deleted secret API_TOKEN (environments production) from cli/secrets\n');
    assert.deepEqual(
      (await stored(id)).map((s) => `${s.key}@${s.environment_scope}`),
      ['API_TOKEN@*', 'tls.crt@review/*'],
    );
  });

  test('errors print the API message and exit 1; every form answers --help', async () => {
    await t.api('POST', 'projects', { body: { path: 'cli/bad-secrets' } });
    const badKey = await gantry('secret', 'set', 'cli/bad-secrets', 'a/b', '--value', 'v');
    assert.equal(badKey.code, 1);
    assert.match(badKey.stderr, /400 invalid secret key/);
    const missing = await gantry('secret', 'delete', 'cli/bad-secrets', 'NOPE');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /404 secret NOPE in environment scope \* not found/);
    const noProject = await gantry('secret', 'list', 'no/such');
    assert.equal(noProject.code, 1);
    assert.match(noProject.stderr, /404 project not found/);
    const notText = await gantryWithInput(
      Buffer.from([0xff, 0xfe, 0x00]),
      'secret',
      'set',
      'cli/bad-secrets',
      'BIN',
    );
    assert.equal(notText.code, 1);
    assert.match(notText.stderr, /not UTF-8 text/);
    const noKey = await gantry('secret', 'set', 'cli/bad-secrets');
    assert.equal(noKey.code, 1);
    assert.match(noKey.stderr, /needs a PROJECT and a KEY/);
    const unknown = await gantry('secret', 'rotate', 'cli/bad-secrets');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown command "secret rotate"/);
    for (const args of [['secret'], ['secret', 'set', '--help'], ['secret', 'list', '-h']]) {
      const help = await gantry(...args);
      assert.equal(help.code, 0, args.join(' '));
      assert.match(help.stdout, /^Usage: gantry secret set PROJECT KEY/);
    }
  });
});
