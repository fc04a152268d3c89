import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecExit } from '../environment-operations.ts';
import { type ExecStatus, execExit, RESIZE_CHANNEL, resizeMessage } from './exec-channel.ts';

// [case, final status on channel 3, how the session ended]
const cases: Array<[string, ExecStatus, ExecExit]> = [
  ['success', { status: 'Success' }, { exitCode: 0 }],
  [
    'non-zero exit code',
    {
      status: 'Failure',
      reason: 'NonZeroExitCode',
      message:
        'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    },
    { exitCode: 3 },
  ],
  [
    'non-zero exit code without its cause',
    { status: 'Failure', reason: 'NonZeroExitCode', message: 'command terminated with non-zero exit code' },
    { exitCode: null, error: 'command terminated with non-zero exit code' },
  ],
  [
    'the command could not start',
    {
      status: 'Failure',
      reason: 'InternalError',
      message: 'exec: "bash": executable file not found in $PATH',
    },
    { exitCode: null, error: 'exec: "bash": executable file not found in $PATH' },
  ],
  [
    'a failure without message',
    { status: 'Failure' },
    { exitCode: null, error: 'the command failed (no reason given)' },
  ],
];
for (const [name, status, exit] of cases) {
  test(`exit: ${name}`, () => assert.deepEqual(execExit(status), exit));
}

test('a resize is channel 4 and the size with Go TerminalSize field names', () => {
  const message = resizeMessage({ cols: 120, rows: 40 });
  assert.equal(message[0], RESIZE_CHANNEL);
  assert.deepEqual(JSON.parse(message.subarray(1).toString('utf8')), { Width: 120, Height: 40 });
});
