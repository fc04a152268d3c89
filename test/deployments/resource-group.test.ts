import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import {
  cloneProject,
  eventually,
  jobNamed,
  pipelineFor,
  pushFiles,
  waitForPipeline,
} from '../support/pipeline-helpers.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';
import { auditEvents, environmentNamed, job, jobEnds } from './deployment-helpers.ts';

// `resource_group`: jobs sharing a group run one at a time across pipelines and environments, in
// the group's process mode; the locks and their holders are visible, and administrators (only)
// can release one.

interface LockView {
  key: string;
  holder: { job_id: number; job_status: string | null; deployment_id: number | null };
}

/** Jobs that log their start and end to `logFile`, sleeping NAP seconds (0.2 unless set) between. */
const loggingJob = (logFile: string) => `  resource_group: shared
  script:
    - echo "start $CI_JOB_NAME $CI_PIPELINE_ID" >> ${logFile}
    - sleep \${NAP:-0.2}
    - echo "end $CI_JOB_NAME $CI_PIPELINE_ID" >> ${logFile}
`;

for (const dialect of DIALECTS) {
  describe(`resource groups and deployment locks (${dialect})`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let scratch: ScratchDir;
    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '4' } });
      scratch = await scratchDir();
    });
    after(async () => {
      await t?.stop();
      await scratch?.cleanup();
    });

    const project = async (path: string) => {
      const created = await t.api<{ id: number }>('POST', 'projects', { body: { path } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return {
        id: created.body.id,
        work: await cloneProject(t, path, join(scratch.path, path.replace('/', '-'))),
      };
    };
    const runPipeline = async (projectId: number, nap?: string) => {
      const created = await t.api<{ id: number }>('POST', `projects/${projectId}/pipeline`, {
        body: { ref: 'main', ...(nap !== undefined && { variables: [{ key: 'NAP', value: nap }] }) },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.id;
    };
    const logLines = async (file: string) => (await readFile(file, 'utf8')).trim().split('\n');
    /** Each start is followed by the end of the same job: nothing ran while another held the group. */
    const assertOneAtATime = (lines: string[]) => {
      for (let i = 0; i < lines.length; i += 2) {
        const [start, end] = [lines[i]!, lines[i + 1]];
        assert.match(start, /^start /, lines.join('\n'));
        assert.equal(end, start.replace(/^start /, 'end '), `overlap:\n${lines.join('\n')}`);
      }
    };

    test('jobs of two environments in different pipelines sharing a resource group never run at once', async () => {
      const { id, work } = await project('rg/serial');
      const logFile = join(scratch.path, 'serial.log');
      const sha = await pushFiles(work, {
        '.gantry.yml': `deploy-a:\n  environment: deploy-a\n${loggingJob(logFile)}deploy-b:\n  environment: deploy-b\n${loggingJob(logFile)}`,
      });
      const pipelines = [(await pipelineFor(t, id, sha)).id, await runPipeline(id), await runPipeline(id)];
      for (const pipeline of pipelines) {
        const { pipeline: done, jobs } = await waitForPipeline(t, id, pipeline);
        assert.equal(done.status, 'success', JSON.stringify(jobs));
      }
      const lines = await logLines(logFile);
      assert.equal(lines.length, 12, lines.join('\n'));
      assertOneAtATime(lines);
      // Both environments were deployed, each from all three pipelines.
      for (const name of ['deploy-a', 'deploy-b']) {
        assert.equal((await environmentNamed(t, id, name)).last_successful_deployment?.status, 'success');
        assert.equal(lines.filter((line) => line.startsWith(`start ${name} `)).length, 3);
      }
    });

    test('process mode: changed by maintainers, validated, and newest_first runs the newest waiting job next', async () => {
      const { id, work } = await project('rg/modes');
      const logFile = join(scratch.path, 'modes.log');
      const sha = await pushFiles(work, { '.gantry.yml': `deploy:\n${loggingJob(logFile)}` });
      await waitForPipeline(t, id, (await pipelineFor(t, id, sha)).id);

      const listed = await t.api<Array<{ key: string; process_mode: string }>>(
        'GET',
        `projects/${id}/resource_groups`,
      );
      assert.equal(listed.status, 200);
      assert.deepEqual(
        listed.body.map((g) => [g.key, g.process_mode]),
        [['shared', 'unordered']],
      );
      const changed = await t.api<{ key: string; process_mode: string }>(
        'PUT',
        `projects/${id}/resource_groups/shared`,
        {
          body: { process_mode: 'newest_first' },
        },
      );
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.equal(changed.body.process_mode, 'newest_first');
      const got = await t.api<{ process_mode: string }>('GET', `projects/${id}/resource_groups/shared`);
      assert.equal(got.body.process_mode, 'newest_first');
      const invalid = await t.api('PUT', `projects/${id}/resource_groups/shared`, {
        body: { process_mode: 'random' },
      });
      assert.equal(invalid.status, 400, JSON.stringify(invalid.body));
      assert.equal(
        (await t.api<{ process_mode: string }>('GET', `projects/${id}/resource_groups/shared`)).body
          .process_mode,
        'newest_first',
      );
      assert.equal(
        (
          await t.api('PUT', `projects/${id}/resource_groups/nothing`, {
            body: { process_mode: 'oldest_first' },
          })
        ).status,
        404,
      );

      // One job holds the group; two pipelines queue behind it; the newer one goes first.
      const holder = await runPipeline(id, '2');
      const holderJob = await eventually(
        async () => {
          const jobs = (await waitForPipeline(t, id, holder, ['running'])).jobs;
          return jobNamed(jobs, 'deploy').status === 'running' ? jobNamed(jobs, 'deploy') : undefined;
        },
        () => 'the holder never ran',
      );
      const older = await runPipeline(id);
      const newer = await runPipeline(id);
      for (const pipeline of [holder, older, newer]) await waitForPipeline(t, id, pipeline);
      const lines = (await logLines(logFile)).slice(2);
      assertOneAtATime(lines);
      assert.deepEqual(
        lines.filter((line) => line.startsWith('start ')),
        [`start deploy ${holder}`, `start deploy ${newer}`, `start deploy ${older}`],
      );
      assert.equal((await job(t, id, holderJob.id)).status, 'success');
    });

    test('locks show their holder; only administrators release them, and the release is audited', async () => {
      const { id, work } = await project('rg/locks');
      const maintainer = await createUserWithToken(t, 'lock-maintainer');
      const added = await t.api('POST', `projects/${id}/members`, {
        body: { user_id: maintainer.id, access_level: 40 },
      });
      assert.equal(added.status, 201, JSON.stringify(added.body));
      const sha = await pushFiles(work, {
        '.gantry.yml':
          'long:\n  resource_group: shared\n  environment: locked\n  script: [echo holding, sleep 2, echo done]\n',
      });
      const pipeline = await pipelineFor(t, id, sha);
      const running = await eventually(
        async () => {
          const jobs = (await waitForPipeline(t, id, pipeline.id, ['running', 'success', 'failed'])).jobs;
          const long = jobNamed(jobs, 'long');
          return long.status === 'running' ? long : undefined;
        },
        () => 'long never ran',
      );
      const environment = await environmentNamed(t, id, 'locked');
      const groupKey = `resource_group:${id}:shared`;
      const locks = await t.api<LockView[]>('GET', `projects/${id}/deployment_locks`);
      assert.equal(locks.status, 200, JSON.stringify(locks.body));
      assert.deepEqual(locks.body.map((l) => [l.key, l.holder.job_id, l.holder.job_status]).sort(), [
        [`environment:${environment.id}`, running.id, 'running'],
        [groupKey, running.id, 'running'],
      ]);
      const asMaintainer = await t.api<LockView[]>('GET', `projects/${id}/deployment_locks`, {
        token: maintainer.token,
      });
      assert.equal(asMaintainer.status, 200);
      assert.equal(asMaintainer.body.length, 2);

      const path = `projects/${id}/deployment_locks/${encodeURIComponent(groupKey)}`;
      const refused = await t.api('DELETE', path, { token: maintainer.token });
      assert.equal(refused.status, 403, JSON.stringify(refused.body));
      assert.equal((await t.api<LockView[]>('GET', `projects/${id}/deployment_locks`)).body.length, 2);

      const released = await t.api('DELETE', path);
      assert.equal(released.status, 204, JSON.stringify(released.body));
      const left = await t.api<LockView[]>('GET', `projects/${id}/deployment_locks`);
      assert.deepEqual(
        left.body.map((l) => l.key),
        [`environment:${environment.id}`],
      );
      assert.equal((await t.api('DELETE', path)).status, 404);
      const audit = await auditEvents(t, id, 'lock_release');
      assert.equal(audit.length, 1, JSON.stringify(audit));
      assert.equal(audit[0]!.details.key, groupKey);
      assert.equal(audit[0]!.details.holder_job_id, running.id);

      // The holder goes on to its end; its remaining lock goes with it.
      assert.equal((await jobEnds(t, id, running.id)).status, 'success');
      await eventually(
        async () =>
          (await t.api<LockView[]>('GET', `projects/${id}/deployment_locks`)).body.length === 0
            ? true
            : undefined,
        () => 'locks stayed after the holder ended',
      );
    });
  });
}
