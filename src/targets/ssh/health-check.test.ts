import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { runHealthCheck, urlCheckCommand } from './health-check.ts';
import type { SshConnection } from './ssh-connection.ts';

const run = promisify(execFile);

/** A connection whose commands exit with the given codes, in turn (and records them). */
function scriptedConnection(codes: number[]) {
  const commands: string[] = [];
  const connection = {
    endpoint: { host: 'web', port: 22 },
    async run(command: string) {
      commands.push(command);
      return { code: codes.shift() ?? 0, output: '' };
    },
  } as unknown as SshConnection;
  return { connection, commands };
}

test('a check is retried until it passes, and fails after its timeout saying why', async () => {
  const logs: string[] = [];
  const passing = scriptedConnection([1, 0]);
  await runHealthCheck(
    passing.connection,
    { command: './healthy', url: null, timeoutSeconds: 30 },
    { cwd: '/srv/app/current', log: (line) => logs.push(line) },
  );
  assert.deepEqual(passing.commands, ['./healthy', './healthy']);
  assert.match(logs.join('\n'), /attempt 1 failed: `\.\/healthy` exited with 1[\s\S]*passed \(attempt 2\)/);
  await assert.rejects(
    runHealthCheck(
      scriptedConnection([7]).connection,
      { command: null, url: 'http://127.0.0.1:9/health', timeoutSeconds: 0 },
      { cwd: '/', log: () => {} },
    ),
    {
      reason: 'health_check_failed',
      message: /GET http:\/\/127\.0\.0\.1:9\/health failed on the host \(exit 7\)/,
    },
  );
});

test('the URL command asks on the host with curl: below 400 passes, redirects are not followed', async () => {
  const statuses = [503, 200, 302];
  const server = createServer((_request, response) => {
    response.statusCode = statuses.shift() ?? 500;
    if (response.statusCode === 302) response.setHeader('location', 'http://127.0.0.1:9/elsewhere');
    response.end();
  }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/health?a=1&b='x'`;
  const exitCode = () =>
    run('/bin/sh', ['-c', urlCheckCommand(url, 5)]).then(
      () => 0,
      (error: { code?: number }) => error.code ?? -1,
    );
  try {
    assert.notEqual(await exitCode(), 0, '503 fails');
    assert.equal(await exitCode(), 0, '200 passes');
    assert.equal(await exitCode(), 0, 'a redirect passes without being followed');
  } finally {
    server.close();
  }
});
