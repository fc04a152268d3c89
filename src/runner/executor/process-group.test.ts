import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { parseProcStat, processGroupMembers, terminateProcessGroup } from './process-group.ts';

test('parseProcStat copes with spaces and parentheses in the command name', () => {
  assert.deepEqual(parseProcStat('123 (my (odd) cmd) S 1 456 456 0 -1'), { state: 'S', pgrp: 456 });
  assert.deepEqual(parseProcStat('9 (sleep) Z 1 9 9'), { state: 'Z', pgrp: 9 });
  assert.equal(parseProcStat('garbage'), null);
});

test('terminateProcessGroup kills a group, SIGKILL for members ignoring SIGTERM', async () => {
  // A leader that exits at once, leaving a TERM-ignoring child and a plain grandchild in its group.
  const leader = spawn(
    'sh',
    ['-c', `sh -c 'trap "" TERM; sleep 1000 & while :; do sleep 0.05; done' & echo started`],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  await once(leader.stdout, 'data');
  const pgid = leader.pid!;
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok((await processGroupMembers(pgid)).length >= 2, 'the group has running members');
  await terminateProcessGroup(pgid, 200);
  assert.deepEqual(await processGroupMembers(pgid), []);
});

test('terminating an empty group returns at once', async () => {
  await terminateProcessGroup(2_000_000_000, 10_000);
});
