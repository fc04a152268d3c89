import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deploymentRow, environmentRow, jobRow } from '../../test/support/store-rows.ts';
import { jobSnapshot } from './job-snapshot.ts';

test("records the deployment's commit and the job as planned, named for its environment", () => {
  const job = jobRow({
    name: 'deploy',
    script: ['./deploy'],
    environment: { name: 'review/$CI_COMMIT_REF_SLUG' },
  });
  const deployment = deploymentRow({ id: 3, ref: 'v1', tag: 1, pipeline_id: 9 });
  const environment = environmentRow({ name: 'review/main' });
  assert.deepEqual(jobSnapshot(job, deployment, environment, 'v-digest'), {
    sha: 'a'.repeat(40),
    ref: 'v1',
    tag: true,
    pipelineId: 9,
    jobId: 11,
    jobName: 'deploy',
    definition: { name: 'deploy', script: ['./deploy'], environment: { name: 'review/main' } },
    variablesVersion: 'v-digest',
  });
  assert.equal(jobSnapshot(job, { ...deployment, tag: 0 }, environment, null).tag, false);
});
