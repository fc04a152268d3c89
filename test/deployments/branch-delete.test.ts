import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { gitIn, type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import {
  cloneProject,
  eventually,
  jobNamed,
  pipelineFor,
  pushFiles,
  trace,
  waitForPipeline,
} from '../support/pipeline-helpers.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { type DeploymentView, environment, environmentNamed, jobEnds } from './deployment-helpers.ts';

// A review app deployed from a branch is stopped when the branch is deleted, and its stop job
// still checks out the deployed commit although no branch points at it any more.

const PIPELINE = `deploy_review:
  script: [echo "review of $CI_COMMIT_REF_NAME"]
  environment:
    name: review/$CI_COMMIT_REF_SLUG
    on_stop: stop_review
stop_review:
  when: manual
  script:
    - echo "marker says $(cat marker.txt)"
    - echo "head is $(git rev-parse HEAD)"
  environment:
    name: review/$CI_COMMIT_REF_SLUG
    action: stop
`;

for (const dialect of DIALECTS) {
  describe(`stopping review apps of deleted branches (${dialect})`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let scratch: ScratchDir;
    let projectId: number;
    let work: string;
    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '2' } });
      scratch = await scratchDir();
      projectId = (await t.api<{ id: number }>('POST', 'projects', { body: { path: 'deploy/branches' } }))
        .body.id;
      work = await cloneProject(t, 'deploy/branches', join(scratch.path, 'work'));
    });
    after(async () => {
      await t?.stop();
      await scratch?.cleanup();
    });

    test('deleting the branch runs the stop job on the deployed commit and stops the environment', async () => {
      const sha = await pushFiles(
        work,
        { '.gantry.yml': PIPELINE, 'marker.txt': 'feature-marker-7' },
        'feature',
      );
      const { pipeline, jobs } = await waitForPipeline(
        t,
        projectId,
        (await pipelineFor(t, projectId, sha)).id,
        ['success', 'failed', 'canceled', 'skipped', 'manual'],
      );
      assert.equal(jobNamed(jobs, 'deploy_review').status, 'success', JSON.stringify([pipeline, jobs]));
      assert.equal(jobNamed(jobs, 'stop_review').status, 'manual');
      const review = await environmentNamed(t, projectId, 'review/feature');
      assert.equal(review.state, 'available');
      assert.equal(review.last_successful_deployment?.sha, sha);

      await gitIn(work, ['push', '--quiet', 'origin', ':feature']);
      const branches = await gitIn(work, ['ls-remote', '--heads', 'origin']);
      assert.doesNotMatch(branches.stdout, /refs\/heads\/feature/);

      const stopJob = await jobEnds(t, projectId, jobNamed(jobs, 'stop_review').id);
      const log = await trace(t, projectId, stopJob.id);
      assert.equal(stopJob.status, 'success', log);
      assert.match(log, /marker says feature-marker-7/);
      assert.match(log, new RegExp(`head is ${sha}`));
      const stopped = await eventually(
        async () => {
          const env = await environment(t, projectId, review.id);
          return env.state === 'stopped' ? env : undefined;
        },
        async () => JSON.stringify(await environment(t, projectId, review.id)),
      );
      assert.equal(stopped.last_deployment?.action, 'stop');
      assert.equal(stopped.last_deployment?.status, 'success');
      const deployments = await t.api<DeploymentView[]>(
        'GET',
        `projects/${projectId}/deployments?environment=review%2Ffeature`,
      );
      assert.deepEqual(
        deployments.body.map((d) => [d.action, d.status, d.sha]),
        [
          ['stop', 'success', sha],
          ['start', 'success', sha],
        ],
      );
    });

    test('deleting a branch leaves environments deployed from other branches alone', async () => {
      const sha = await pushFiles(work, { '.gantry.yml': PIPELINE, 'marker.txt': 'keep' }, 'keep');
      await waitForPipeline(t, projectId, (await pipelineFor(t, projectId, sha)).id, [
        'success',
        'manual',
        'failed',
      ]);
      const kept = await environmentNamed(t, projectId, 'review/keep');
      assert.equal(kept.last_successful_deployment?.status, 'success');
      const other = await pushFiles(work, { 'marker.txt': 'other' }, 'other');
      await waitForPipeline(t, projectId, (await pipelineFor(t, projectId, other)).id, [
        'success',
        'manual',
        'failed',
      ]);
      const otherEnv = await environmentNamed(t, projectId, 'review/other');
      await gitIn(work, ['push', '--quiet', 'origin', ':other']);
      await eventually(
        async () => ((await environment(t, projectId, otherEnv.id)).state === 'stopped' ? true : undefined),
        async () => JSON.stringify(await environment(t, projectId, otherEnv.id)),
      );
      assert.equal((await environment(t, projectId, kept.id)).state, 'available');
    });
  });
}
