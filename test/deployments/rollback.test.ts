import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import {
  cloneProject,
  type JobView,
  jobNamed,
  pipelineFor,
  pushFiles,
  trace,
  waitForPipeline,
} from '../support/pipeline-helpers.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { auditEvents, type DeploymentView, deploymentEnds, environmentNamed } from './deployment-helpers.ts';

// Rollback re-applies an earlier deployment's snapshot (commit and job definition): it works after
// the original job's artifacts expired, refuses deployments that did not succeed, and re-deploy
// applies the current one again.

const PIPELINE = `deploy:
  environment: production
  script:
    - echo "deployed $CI_COMMIT_SHA"
    - echo "$CI_COMMIT_SHA" > out.txt
  artifacts:
    paths: [out.txt]
    expire_in: 1 sec
`;

for (const dialect of DIALECTS) {
  describe(`rollback and re-deploy (${dialect})`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let scratch: ScratchDir;
    let projectId: number;
    let work: string;
    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '2' } });
      scratch = await scratchDir();
      projectId = (await t.api<{ id: number }>('POST', 'projects', { body: { path: 'deploy/rollback' } }))
        .body.id;
      work = await cloneProject(t, 'deploy/rollback', join(scratch.path, 'work'));
    });
    after(async () => {
      await t?.stop();
      await scratch?.cleanup();
    });

    const deployOf = async (sha: string): Promise<{ job: JobView; deployment: DeploymentView }> => {
      const { pipeline, jobs } = await waitForPipeline(
        t,
        projectId,
        (await pipelineFor(t, projectId, sha)).id,
      );
      assert.equal(pipeline.status, 'success', JSON.stringify(jobs));
      const job = jobNamed(jobs, 'deploy');
      const listed = await t.api<DeploymentView[]>(
        'GET',
        `projects/${projectId}/deployments?environment=production`,
      );
      const deployment = listed.body.find((d) => d.deployable?.id === job.id);
      assert.ok(deployment, `no deployment for job ${job.id}: ${JSON.stringify(listed.body)}`);
      return { job, deployment: await deploymentEnds(t, projectId, deployment.id) };
    };

    test('rollback after the original artifacts expired re-applies the old commit; re-deploy the current one', async () => {
      const v1 = await pushFiles(work, { '.gantry.yml': PIPELINE, 'version.txt': 'v1\n' });
      const first = await deployOf(v1);
      const v2 = await pushFiles(work, { 'version.txt': 'v2\n' });
      const second = await deployOf(v2);
      assert.equal(first.deployment.status, 'success');
      assert.equal(second.deployment.status, 'success');
      assert.equal(
        (await environmentNamed(t, projectId, 'production')).last_successful_deployment?.id,
        second.deployment.id,
      );

      // v1's artifacts expire and are removed.
      assert.ok(first.job.artifacts_file, 'the deploy job uploaded its artifacts');
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      await t.server.engine.timers.removeExpiredArtifacts();
      const gone = await t.api<JobView>('GET', `projects/${projectId}/jobs/${first.job.id}`);
      assert.equal(gone.body.artifacts_file, null);
      const rows = await t.server.store.db
        .selectFrom('job_artifacts')
        .select('job_id')
        .where('job_id', '=', first.job.id)
        .execute();
      assert.deepEqual(rows, []);

      const rolled = await t.api<DeploymentView>(
        'POST',
        `projects/${projectId}/deployments/${first.deployment.id}/rollback`,
      );
      assert.equal(rolled.status, 201, JSON.stringify(rolled.body));
      assert.equal(rolled.body.rollback_of, first.deployment.id);
      assert.equal(rolled.body.sha, v1);
      assert.notEqual(rolled.body.id, first.deployment.id);
      const rollback = await deploymentEnds(t, projectId, rolled.body.id);
      assert.equal(rollback.status, 'success', JSON.stringify(rollback));
      assert.ok(rollback.deployable, 'the rollback ran a job');
      assert.notEqual(rollback.deployable.id, first.job.id, 'a new job, not the expired one');
      const log = await trace(t, projectId, rollback.deployable.id);
      assert.match(log, new RegExp(`deployed ${v1}`));
      assert.doesNotMatch(log, new RegExp(v2));

      const production = await environmentNamed(t, projectId, 'production');
      assert.equal(production.last_successful_deployment?.id, rollback.id);
      assert.equal(production.last_successful_deployment?.sha, v1);
      assert.equal(production.last_deployment?.id, rollback.id);
      assert.ok((await auditEvents(t, projectId, 'rollback')).some((e) => e.target_id === rollback.id));

      // Re-deploy: the current deployment (the rollback) once more.
      const redeployed = await t.api<DeploymentView>(
        'POST',
        `projects/${projectId}/environments/${production.id}/redeploy`,
      );
      assert.equal(redeployed.status, 201, JSON.stringify(redeployed.body));
      assert.equal(redeployed.body.rollback_of, rollback.id);
      assert.equal(redeployed.body.sha, v1);
      const again = await deploymentEnds(t, projectId, redeployed.body.id);
      assert.equal(again.status, 'success', JSON.stringify(again));
      assert.match(await trace(t, projectId, again.deployable!.id), new RegExp(`deployed ${v1}`));
      assert.equal(
        (await environmentNamed(t, projectId, 'production')).last_successful_deployment?.id,
        again.id,
      );
    });

    test('only successful deployments can be rolled back to', async () => {
      const sha = 'a'.repeat(40);
      const failed = await t.api<DeploymentView>('POST', `projects/${projectId}/deployments`, {
        body: { environment: 'staging', sha, ref: 'main', tag: false, status: 'failed' },
      });
      assert.equal(failed.status, 201, JSON.stringify(failed.body));
      const refused = await t.api<{ error: { message: string } }>(
        'POST',
        `projects/${projectId}/deployments/${failed.body.id}/rollback`,
      );
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.match(refused.body.error.message, /failed/);
      // Nothing was started for it.
      const staging = await t.api<DeploymentView[]>(
        'GET',
        `projects/${projectId}/deployments?environment=staging`,
      );
      assert.deepEqual(
        staging.body.map((d) => d.id),
        [failed.body.id],
      );
    });

    test('a failed pipeline deployment cannot be rolled back to either', async () => {
      const sha = await pushFiles(work, {
        '.gantry.yml': 'deploy:\n  environment: production\n  script: [echo broken, exit 3]\n',
      });
      const { jobs } = await waitForPipeline(t, projectId, (await pipelineFor(t, projectId, sha)).id);
      const job = jobNamed(jobs, 'deploy');
      assert.equal(job.status, 'failed');
      const listed = await t.api<DeploymentView[]>('GET', `projects/${projectId}/deployments?status=failed`);
      const failed = listed.body.find((d) => d.deployable?.id === job.id);
      assert.ok(failed, JSON.stringify(listed.body));
      const refused = await t.api('POST', `projects/${projectId}/deployments/${failed.id}/rollback`);
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
    });
  });
}
