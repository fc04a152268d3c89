import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RestartableGantry, restartableGantry } from '../support/gantry-process.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { cloneProject, eventually, type JobView, pushFiles } from '../support/pipeline-helpers.ts';
import { ADMIN_TOKEN, freePort, type TestServer } from '../support/test-server.ts';
import type { DeploymentView, EnvironmentView } from './deployment-helpers.ts';

// `auto_stop_in` is a time in the database, not a timer in memory: a server killed before the
// time comes stops the environment (by its on_stop job) once it is started again.

const PIPELINE = `deploy_review:
  script: [echo deploying review]
  environment:
    name: review/x
    on_stop: stop_review
    auto_stop_in: 3 seconds
stop_review:
  when: manual
  script: [echo stopped review]
  environment:
    name: review/x
    action: stop
`;

let dataDir: string;
let scratch: ScratchDir;
let port: number;
let gantry: RestartableGantry;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gantry-auto-stop-'));
  scratch = await scratchDir();
  port = await freePort();
  gantry = restartableGantry({
    port,
    dataDir,
    adminToken: ADMIN_TOKEN,
    env: { GANTRY_RUNNER_CONCURRENCY: '1' },
  });
});
after(async () => {
  await gantry?.kill();
  await rm(dataDir, { recursive: true, force: true });
  await scratch?.cleanup();
});

test('an environment due to auto-stop while the server was down is stopped by its stop job after a restart', async () => {
  await gantry.start();
  const project = await gantry.api<{ id: number }>('POST', 'projects', { path: 'auto/stop' });
  assert.equal(project.status, 201, JSON.stringify(project.body));
  const projectId = project.body.id;
  const work = await cloneProject(
    { url: gantry.base() } as TestServer,
    'auto/stop',
    join(scratch.path, 'work'),
  );
  await pushFiles(work, { '.gantry.yml': PIPELINE });

  const environmentRow = async () =>
    (await gantry.api<EnvironmentView[]>('GET', `projects/${projectId}/environments?name=review%2Fx`))
      .body[0];
  const deployed = await eventually(
    async () => {
      const env = await environmentRow();
      return env?.last_deployment?.status === 'success' && env.auto_stop_at !== null ? env : undefined;
    },
    async () => JSON.stringify(await environmentRow()),
  );
  // Killed at once: the auto-stop time (3 s after the deployment) has not come yet.
  await gantry.kill();
  assert.equal(deployed.state, 'available');
  assert.equal(deployed.last_deployment?.action, 'start');
  const autoStopAt = Date.parse(deployed.auto_stop_at!);
  assert.ok(Number.isFinite(autoStopAt));

  // Down until the time has passed, then up again on the same data directory.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, autoStopAt - Date.now()) + 300));
  await gantry.start();

  const stopped = await eventually(
    async () => {
      const env = await environmentRow();
      return env?.state === 'stopped' ? env : undefined;
    },
    async () => JSON.stringify(await environmentRow()),
  );
  assert.equal(stopped.auto_stop_at, null);
  const deployments = await gantry.api<DeploymentView[]>(
    'GET',
    `projects/${projectId}/deployments?environment=review%2Fx`,
  );
  const stop = deployments.body.find((d) => d.action === 'stop');
  assert.ok(stop, JSON.stringify(deployments.body));
  assert.equal(stop.status, 'success');
  assert.equal(stop.deployable?.name, 'stop_review');
  const stopJob = await gantry.api<JobView>('GET', `projects/${projectId}/jobs/${stop.deployable!.id}`);
  assert.equal(stopJob.body.status, 'success');
  const log = await fetch(`${gantry.base()}/api/v1/projects/${projectId}/jobs/${stop.deployable!.id}/trace`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  assert.match(await log.text(), /stopped review/);
  const audit = await gantry.api<Array<{ action: string; details: Record<string, unknown> }>>(
    'GET',
    `projects/${projectId}/audit_events?action=stop`,
  );
  assert.ok(
    audit.body.some((e) => e.details.reason === 'auto_stop'),
    JSON.stringify(audit.body),
  );
});
