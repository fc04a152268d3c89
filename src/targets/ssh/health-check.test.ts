import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { runHealthCheck } from './health-check.ts';
import type { SshConnection } from './ssh-connection.ts';

// URL checks are fetched by Gantry itself: no connection is used (command checks: releases.test.ts).
const noConnection = {} as SshConnection;

test('a URL check is retried until it answers below 400', async () => {
  let requests = 0;
  const server = createServer((_request, response) => {
    requests++;
    response.statusCode = requests < 2 ? 503 : 200;
    response.end();
  }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/health`;
  const logs: string[] = [];
  try {
    await runHealthCheck(
      noConnection,
      { command: null, url, timeoutSeconds: 30 },
      { cwd: '/', log: (line) => logs.push(line) },
    );
    assert.deepEqual(logs, [
      `health check attempt 1 failed: GET ${url} answered 503`,
      'health check passed (attempt 2)',
    ]);
    requests = -1_000;
    await assert.rejects(
      runHealthCheck(noConnection, { command: null, url, timeoutSeconds: 0 }, { cwd: '/', log: () => {} }),
      {
        reason: 'health_check_failed',
        message: `health check failed for 0 s (1 attempts): GET ${url} answered 503`,
      },
    );
  } finally {
    server.close();
  }
});
