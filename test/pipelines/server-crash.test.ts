import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RestartableGantry, restartableGantry } from '../support/gantry-process.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { cloneProject, eventually, type JobView, pushFiles } from '../support/pipeline-helpers.ts';
import { ADMIN_TOKEN, freePort, type TestServer } from '../support/test-server.ts';

// kill -9 the server mid-pipeline, start it again: nothing stays running; every job ends with a reason.

let dataDir: string;
let scratch: ScratchDir;
let port: number;
let gantry: RestartableGantry;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gantry-crash-'));
  scratch = await scratchDir();
  port = await freePort();
  gantry = restartableGantry({
    port,
    dataDir,
    adminToken: ADMIN_TOKEN,
    env: { GANTRY_JOB_LEASE_SECONDS: '3', GANTRY_RUNNER_CONCURRENCY: '1' },
  });
});
after(async () => {
  await gantry?.kill();
  await rm(dataDir, { recursive: true, force: true });
  await scratch?.cleanup();
});

test('after kill -9 mid-job, the running job fails as runner lost and queued work still runs', async () => {
  await gantry.start();
  const project = await gantry.api<{ id: number }>('POST', 'projects', { path: 'crash/app' });
  const fake = { url: gantry.base() } as TestServer;
  const work = await cloneProject(fake, 'crash/app', join(scratch.path, 'work'));
  await pushFiles(work, {
    '.gantry.yml': `long:
  stage: build
  script: [echo started, sleep 30]
short:
  stage: build
  script: [echo short done]
cleanup:
  stage: test
  when: always
  script: [echo cleanup ran]
`,
  });
  const jobs = async () => {
    const pipelines = await gantry.api<Array<{ id: number; status: string }>>(
      'GET',
      `projects/${project.body.id}/pipelines`,
    );
    const id = pipelines.body[0]?.id;
    return id === undefined
      ? []
      : (await gantry.api<JobView[]>('GET', `projects/${project.body.id}/pipelines/${id}/jobs`)).body;
  };
  // With one slot, `long` runs while `short` waits in the queue.
  await eventually(
    async () => ((await jobs()).find((j) => j.name === 'long')?.status === 'running' ? true : undefined),
    async () => JSON.stringify(await jobs()),
  );
  await gantry.kill();

  await gantry.start();
  const final = await eventually(
    async () => {
      const now = await jobs();
      return now.length === 3 &&
        now.every((j) => ['success', 'failed', 'canceled', 'skipped'].includes(j.status))
        ? now
        : undefined;
    },
    async () => JSON.stringify((await jobs()).map((j) => [j.name, j.status])),
    60_000,
  );
  const byName = Object.fromEntries(final.map((j) => [j.name, j]));
  assert.equal(byName.long?.status, 'failed');
  assert.equal(byName.long?.failure_reason, 'runner_system_failure');
  assert.equal(byName.short?.status, 'success', 'the queued job ran after the restart');
  assert.equal(byName.cleanup?.status, 'success');
  const log = await fetch(
    `${gantry.base()}/api/v1/projects/${project.body.id}/jobs/${byName.long!.id}/trace`,
    {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    },
  );
  assert.match(await log.text(), /runner lost/);
  const pipelines = await gantry.api<Array<{ status: string }>>(
    'GET',
    `projects/${project.body.id}/pipelines`,
  );
  assert.equal(pipelines.body[0]?.status, 'failed');
});
