import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runGantry } from '../support/gantry-process.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { cloneProject, eventually, pushFiles } from '../support/pipeline-helpers.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// A deployment's lock is held by its job; when the runner running it dies (kill -9), the job's
// lease expires, the job fails as runner lost, and the lock goes to the next deployment.

interface DeploymentView {
  id: number;
  status: string;
  sha: string;
  deployable: { id: number } | null;
}

describe('a killed lock holder', () => {
  let t: TestServer;
  let scratch: ScratchDir;
  let runner: ReturnType<typeof runGantry> | undefined;
  before(async () => {
    // No embedded runner: the deployments run on a runner process this test can kill.
    t = await startTestServer('sqlite', {
      env: { GANTRY_RUNNER_CONCURRENCY: '0', GANTRY_JOB_LEASE_SECONDS: '2' },
    });
    scratch = await scratchDir();
  });
  after(async () => {
    runner?.child.kill('SIGKILL');
    if (scratch) killOrphanedJobs(scratch.path);
    await t?.stop();
    await scratch?.cleanup();
  });

  const startRunner = async (token: string, name: string) => {
    const started = runGantry(
      ['runner', '--url', t.url, '--token', token, '--work-dir', join(scratch.path, name), '--name', name],
      {},
    );
    await eventually(
      async () => (/Runner connected/.test(started.stdout()) ? true : undefined),
      () => `runner did not connect: ${started.stderr()}`,
      20_000,
    );
    return started;
  };

  test('loses its lock when its lease expires, and the next deployment runs', async () => {
    const projectId = (await t.api<{ id: number }>('POST', 'projects', { body: { path: 'lock/lease' } })).body
      .id;
    const work = await cloneProject(t, 'lock/lease', join(scratch.path, 'work'));
    const registered = await t.api<{ token: string }>('POST', 'runners', {
      body: { description: 'deployer', run_untagged: true },
    });
    runner = await startRunner(registered.body.token, 'first');
    const file = (seconds: number) =>
      ['deploy:', '  environment: production', `  script: ['echo started', 'sleep ${seconds}']`, ''].join(
        '\n',
      );
    await pushFiles(work, { '.gantry.yml': file(600) });
    const holder = await eventually(
      async () =>
        (await t.api<DeploymentView[]>('GET', `projects/${projectId}/deployments`)).body.find(
          (d) => d.status === 'running',
        ),
      () => 'the first deployment never ran',
    );
    const locks = await t.api<Array<{ key: string; holder: { job_id: number } }>>(
      'GET',
      `projects/${projectId}/deployment_locks`,
    );
    assert.equal(locks.body.length, 1);
    assert.equal(locks.body[0]!.holder.job_id, holder.deployable!.id, 'the running job holds the lock');

    const second = await pushFiles(work, { '.gantry.yml': file(0) });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const waiting = (await t.api<DeploymentView[]>('GET', `projects/${projectId}/deployments`)).body.find(
      (d) => d.sha === second,
    );
    assert.equal(waiting?.status, 'created', 'the second deployment waits for the lock');

    runner.child.kill('SIGKILL');
    runner = await startRunner(registered.body.token, 'second');
    const done = await eventually(
      async () => {
        const list = (await t.api<DeploymentView[]>('GET', `projects/${projectId}/deployments`)).body;
        const next = list.find((d) => d.sha === second);
        return next?.status === 'success' ? list : undefined;
      },
      async () => JSON.stringify((await t.api('GET', `projects/${projectId}/deployments`)).body),
      60_000,
    );
    assert.equal(done.find((d) => d.id === holder.id)?.status, 'failed', 'the dead holder failed');
    const job = await t.api<{ failure_reason: string }>(
      'GET',
      `projects/${projectId}/jobs/${holder.deployable!.id}`,
    );
    assert.equal(job.body.failure_reason, 'runner_system_failure');
  });
});

/**
 * A runner killed with -9 leaves its job's script running (its own process group, as every job's):
 * kills the groups of job scripts under `workDir` so the test leaves no `sleep` behind.
 */
function killOrphanedJobs(workDir: string): void {
  let pids: string[];
  try {
    pids = execFileSync('pgrep', ['-f', workDir], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return; // pgrep exits 1 when nothing matches
  }
  for (const pid of pids) {
    try {
      process.kill(-Number(pid), 'SIGKILL');
    } catch {
      // Not a group leader, or gone already.
    }
  }
}
