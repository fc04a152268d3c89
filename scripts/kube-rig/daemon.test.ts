import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startDaemon } from './daemon.ts';

describe('startDaemon', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-rig-daemon-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('logs to its file and stops on SIGTERM', async () => {
    const daemon = startDaemon(
      'talker',
      'sh',
      ['-c', 'echo one; echo two >&2; exec sleep 60'],
      join(dir, 'talker.log'),
    );
    while (!daemon.logTail().includes('two')) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(daemon.logTail(), 'one\ntwo');
    assert.equal(daemon.isRunning(), true);
    await daemon.stop(5_000);
    assert.equal(daemon.isRunning(), false);
  });

  test('is killed when it ignores SIGTERM', async () => {
    const daemon = startDaemon(
      'stubborn',
      'sh',
      ['-c', "trap '' TERM; echo ready; while :; do sleep 1; done"],
      join(dir, 's.log'),
    );
    while (!daemon.logTail().includes('ready')) await new Promise((resolve) => setTimeout(resolve, 10));
    await daemon.stop(100);
    assert.equal(daemon.isRunning(), false);
  });

  test('reports a command that cannot start as exited', async () => {
    const daemon = startDaemon('absent', join(dir, 'no-such-binary'), [], join(dir, 'absent.log'));
    await daemon.exited;
    assert.equal(daemon.isRunning(), false);
  });
});
