import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runLoggedProcess } from './logged-process.ts';
import { processGroupMembers } from './process-group.ts';

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

test('streams output and reports the exit code', async () => {
  const chunks: Buffer[] = [];
  const result = await runLoggedProcess('sh', ['-c', 'echo out; echo err >&2; exit 3'], {
    cwd: '/',
    env,
    log: (chunk) => chunks.push(chunk),
    graceMs: 100,
  });
  assert.equal(result.code, 3);
  assert.equal(result.aborted, false);
  assert.match(Buffer.concat(chunks).toString(), /out/);
  assert.match(Buffer.concat(chunks).toString(), /err/);
});

test('background processes left behind are terminated when the main process exits', async () => {
  let pid = 0;
  const result = await runLoggedProcess('sh', ['-c', 'sleep 1000 & echo $!'], {
    cwd: '/',
    env,
    log: (chunk) => {
      pid ||= Number(chunk.toString().trim());
    },
    graceMs: 100,
  });
  assert.equal(result.code, 0);
  assert.ok(pid > 0);
  assert.deepEqual(await processGroupMembers(pid), []);
});

test('abort kills the whole group and says so', async () => {
  const controller = new AbortController();
  const running = runLoggedProcess('sh', ['-c', 'sleep 1000 & sleep 1000'], {
    cwd: '/',
    env,
    log: () => {},
    signal: controller.signal,
    graceMs: 100,
  });
  setTimeout(() => controller.abort(), 50);
  const result = await running;
  assert.equal(result.aborted, true);
  assert.equal(result.code, null);
});

test('a missing binary is a spawn error, not a crash', async () => {
  const result = await runLoggedProcess('/nonexistent/binary', [], {
    cwd: '/',
    env,
    log: () => {},
    graceMs: 10,
  });
  assert.ok(result.spawnError instanceof Error);
  assert.equal(result.code, null);
});

test('the environment is exactly what was given', async () => {
  process.env.GANTRY_LEAK_CHECK = 'leaked';
  try {
    const chunks: Buffer[] = [];
    await runLoggedProcess('/usr/bin/env', [], {
      cwd: '/',
      env: { ONLY: 'this' },
      log: (c) => chunks.push(c),
      graceMs: 10,
    });
    assert.equal(Buffer.concat(chunks).toString(), 'ONLY=this\n');
  } finally {
    delete process.env.GANTRY_LEAK_CHECK;
  }
});
