import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import type { JobSpec } from '../../src/runner/job-spec.ts';
import type { ServerMessage } from '../../src/runner/runner-protocol.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { cloneProject, eventually, pushFiles } from '../support/pipeline-helpers.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// The runner protocol spoken by hand, to order messages as a busy runner can: a heartbeat that
// left the runner before a job reached it must not make the server forget that job.

describe('runner heartbeats', () => {
  let t: TestServer;
  let scratch: ScratchDir;
  let socket: WebSocket | undefined;
  before(async () => {
    t = await startTestServer('sqlite', { env: { GANTRY_RUNNER_CONCURRENCY: '0' } });
    scratch = await scratchDir();
  });
  after(async () => {
    socket?.terminate();
    await t?.stop();
    await scratch?.cleanup();
  });

  const connect = async (token: string) => {
    const messages: ServerMessage[] = [];
    const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/api/v1/runners/connect`, {
      headers: { authorization: `Bearer ${token}` },
    });
    ws.on('message', (data, isBinary) => {
      if (!isBinary) messages.push(JSON.parse(String(data)) as ServerMessage);
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'hello', name: 'by-hand', concurrency: 1, running: [], version: '1' }));
    await eventually(
      async () => (messages.some((m) => m.type === 'welcome') ? true : undefined),
      () => 'no welcome',
    );
    return { ws, messages };
  };

  const jobStatus = async (projectId: number, jobId: number) =>
    (await t.api<{ status: string }>('GET', `projects/${projectId}/jobs/${jobId}`)).body.status;

  test('a job missing from one heartbeat is kept; missing from two in a row it is given up', async () => {
    const projectId = (await t.api<{ id: number }>('POST', 'projects', { body: { path: 'hb/one' } })).body.id;
    const work = await cloneProject(t, 'hb/one', join(scratch.path, 'work'));
    const registered = await t.api<{ token: string }>('POST', 'runners', {
      body: { description: 'by hand', run_untagged: true },
    });
    const runner = await connect(registered.body.token);
    socket = runner.ws;
    await pushFiles(work, { '.gantry.yml': 'first:\n  script: [echo 1]\nsecond:\n  script: [echo 2]\n' });
    const specOf = (n: number) =>
      eventually(
        async () =>
          runner.messages.filter((m): m is { type: 'job'; spec: JobSpec } => m.type === 'job')[n]?.spec,
        () => `job ${n + 1} was never sent`,
      );

    // The heartbeat was sent before the job arrived: it lists nothing.
    const first = await specOf(0);
    runner.ws.send(JSON.stringify({ type: 'heartbeat', running: [] }));
    runner.ws.send(
      JSON.stringify({
        type: 'finished',
        jobId: first.id,
        result: { status: 'success', exitCode: 0, failureReason: null, dotenv: null },
      }),
    );
    await eventually(
      async () => ((await jobStatus(projectId, first.id)) === 'success' ? true : undefined),
      async () => `first job is ${await jobStatus(projectId, first.id)}: its result was ignored`,
      10_000,
    );

    // A runner that lost a job leaves it out of two heartbeats: the server stops renewing it, and a
    // late result no longer counts.
    const second = await specOf(1);
    runner.ws.send(JSON.stringify({ type: 'heartbeat', running: [] }));
    runner.ws.send(JSON.stringify({ type: 'heartbeat', running: [] }));
    runner.ws.send(
      JSON.stringify({
        type: 'finished',
        jobId: second.id,
        result: { status: 'success', exitCode: 0, failureReason: null, dotenv: null },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(
      await jobStatus(projectId, second.id),
      'running',
      'the given-up job waits for its lease to expire',
    );
  });
});
