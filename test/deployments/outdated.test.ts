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
import {
  type DeploymentView,
  deploymentEnds,
  environment,
  environmentNamed,
  jobEnds,
} from './deployment-helpers.ts';

// "Prevent outdated deployments": with the project setting on, a deployment job of an older
// pipeline than the environment's latest successful deployment fails instead of rolling it back.
// The setting is GitLab's project field prevent_outdated_deployment_jobs.

const PIPELINE = `build:
  script: [echo "build $CI_COMMIT_SHA"]
deploy:
  stage: deploy
  when: manual
  environment: production
  script: [echo "deployed $CI_COMMIT_SHA"]
`;

for (const dialect of DIALECTS) {
  describe(`prevent outdated deployments (${dialect})`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let scratch: ScratchDir;
    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '2' } });
      scratch = await scratchDir();
    });
    after(async () => {
      await t?.stop();
      await scratch?.cleanup();
    });

    /** Turns the project setting on or off through the API (GitLab's prevent_outdated_deployment_jobs). */
    const setPrevent = async (projectId: number, on: boolean) => {
      const updated = await t.api<{ prevent_outdated_deployment_jobs: boolean }>(
        'PUT',
        `projects/${projectId}`,
        {
          body: { prevent_outdated_deployment_jobs: on },
        },
      );
      assert.equal(updated.status, 200, JSON.stringify(updated.body));
      assert.equal(updated.body.prevent_outdated_deployment_jobs, on);
      const got = await t.api<{ prevent_outdated_deployment_jobs: boolean }>('GET', `projects/${projectId}`);
      assert.equal(got.body.prevent_outdated_deployment_jobs, on);
    };

    /** A project with two pipelines (older, newer), each with a manual deploy job to production. */
    const twoPipelines = async (path: string, prevent: boolean) => {
      const projectId = (await t.api<{ id: number }>('POST', 'projects', { body: { path } })).body.id;
      await setPrevent(projectId, prevent);
      const work = await cloneProject(t, path, join(scratch.path, path.replace('/', '-')));
      const pipelines = [];
      for (const version of ['old', 'new']) {
        const sha = await pushFiles(work, { '.gantry.yml': PIPELINE, 'version.txt': version });
        const created = await pipelineFor(t, projectId, sha);
        const { jobs } = await waitForPipeline(t, projectId, created.id, ['success', 'manual', 'failed']);
        assert.equal(jobNamed(jobs, 'build').status, 'success', JSON.stringify(jobs));
        assert.equal(jobNamed(jobs, 'deploy').status, 'manual');
        pipelines.push({ id: created.id, sha, deployJob: jobNamed(jobs, 'deploy') });
      }
      const production = await environmentNamed(t, projectId, 'production');
      return { projectId, older: pipelines[0]!, newer: pipelines[1]!, production };
    };

    const deployPipeline = async (projectId: number, environmentId: number, pipelineId: number) => {
      const started = await t.api<DeploymentView>(
        'POST',
        `projects/${projectId}/environments/${environmentId}/deploy`,
        {
          body: { pipeline_id: pipelineId },
        },
      );
      assert.equal(started.status, 201, JSON.stringify(started.body));
      assert.equal(started.body.pipeline_id, pipelineId);
      return deploymentEnds(t, projectId, started.body.id);
    };

    test('with the setting, the older pipeline deploying after the newer one fails as outdated', async () => {
      const { projectId, older, newer, production } = await twoPipelines('outdated/on', true);
      const newerDeployment = await deployPipeline(projectId, production.id, newer.id);
      assert.equal(newerDeployment.status, 'success');

      const olderDeployment = await deployPipeline(projectId, production.id, older.id);
      assert.equal(olderDeployment.status, 'failed');
      assert.equal(olderDeployment.sha, older.sha);
      const job = await jobEnds(t, projectId, olderDeployment.deployable!.id);
      assert.equal(job.status, 'failed');
      assert.equal(job.failure_reason, 'failed_outdated_deployment_job');
      assert.doesNotMatch(await trace(t, projectId, job.id), /deployed /, 'the script never ran');

      const after = await environment(t, projectId, production.id);
      assert.equal(after.last_successful_deployment?.id, newerDeployment.id);
      assert.equal(after.last_successful_deployment?.sha, newer.sha);
      assert.equal(after.state, 'available');
    });

    test('without the setting, the older pipeline deploys over the newer one', async () => {
      const { projectId, older, newer, production } = await twoPipelines('outdated/off', false);
      const newerDeployment = await deployPipeline(projectId, production.id, newer.id);
      assert.equal(newerDeployment.status, 'success');
      const olderDeployment = await deployPipeline(projectId, production.id, older.id);
      assert.equal(olderDeployment.status, 'success');
      const job = await t.api<JobView>('GET', `projects/${projectId}/jobs/${olderDeployment.deployable!.id}`);
      assert.equal(job.body.failure_reason, null);
      assert.match(await trace(t, projectId, job.body.id), new RegExp(`deployed ${older.sha}`));
      const after = await environment(t, projectId, production.id);
      assert.equal(after.last_successful_deployment?.id, olderDeployment.id);
      assert.equal(after.last_successful_deployment?.sha, older.sha);
    });

    test('a rollback is never outdated, even with the setting', async () => {
      const { projectId, older, newer, production } = await twoPipelines('outdated/rollback', false);
      const olderDeployment = await deployPipeline(projectId, production.id, older.id);
      assert.equal(olderDeployment.status, 'success');
      const newerDeployment = await deployPipeline(projectId, production.id, newer.id);
      assert.equal(newerDeployment.status, 'success');
      await setPrevent(projectId, true);
      const rolled = await t.api<DeploymentView>(
        'POST',
        `projects/${projectId}/deployments/${olderDeployment.id}/rollback`,
        { body: {} },
      );
      assert.equal(rolled.status, 201, JSON.stringify(rolled.body));
      const rollback = await deploymentEnds(t, projectId, rolled.body.id);
      assert.equal(rollback.status, 'success');
      assert.equal(
        (await environment(t, projectId, production.id)).last_successful_deployment?.sha,
        older.sha,
      );
    });
  });
}
