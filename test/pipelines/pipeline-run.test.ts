import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import {
  cloneProject,
  eventually,
  type JobView,
  jobNamed,
  pipelineFor,
  pushFiles,
  trace,
  waitForPipeline,
} from '../support/pipeline-helpers.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// Push → pipeline → jobs on the embedded runner, with real git, real processes and real logs.

const SECRET = 'sup3r-s3cret-value-42';

const PIPELINE = `stages: [build, test, deploy]
variables:
  GREETING: hello
build:
  stage: build
  script:
    - echo "$GREETING from $CI_COMMIT_SHORT_SHA on $CI_COMMIT_REF_NAME"
    - mkdir -p dist && echo "built $CI_COMMIT_SHA" > dist/app.txt
    - echo "APP_URL=https://review.example.com/$CI_COMMIT_REF_SLUG" > build.env
  artifacts:
    paths: [dist/]
    reports:
      dotenv: build.env
test:
  stage: test
  script:
    - cat dist/app.txt
    - echo "url is $APP_URL"
    - echo "secret is $SECRET_TOKEN"
    - printf '\\033[32mgreen\\033[0m\\n'
deploy:
  stage: deploy
  when: manual
  script:
    - echo "deploying $CI_COMMIT_SHORT_SHA"
`;

for (const dialect of DIALECTS) {
  describe(`pipelines on the embedded runner (${dialect})`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let scratch: ScratchDir;
    let projectId: number;
    let work: string;
    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '2' } });
      scratch = await scratchDir();
      projectId = (await t.api<{ id: number }>('POST', 'projects', { body: { path: 'ci/app' } })).body.id;
      const variable = await t.api('POST', `projects/${projectId}/variables`, {
        body: { key: 'SECRET_TOKEN', value: SECRET, masked: true },
      });
      assert.equal(variable.status, 201, JSON.stringify(variable.body));
      work = await cloneProject(t, 'ci/app', join(scratch.path, 'work'));
    });
    after(async () => {
      await t?.stop();
      await scratch?.cleanup();
    });

    test('a push runs build and test, passes artifacts and dotenv, masks secrets, waits for manual deploy', async () => {
      const sha = await pushFiles(work, { '.gantry.yml': PIPELINE });
      const created = await pipelineFor(t, projectId, sha);
      assert.equal(created.source, 'push');
      assert.equal(created.ref, 'main');
      // A bare `when: manual` job is optional (allow_failure: true, as GitLab): the pipeline passes without it.
      const { pipeline, jobs } = await waitForPipeline(t, projectId, created.id);
      assert.equal(pipeline.status, 'success', JSON.stringify(jobs));
      assert.equal(jobNamed(jobs, 'build').status, 'success');
      assert.equal(jobNamed(jobs, 'test').status, 'success');
      assert.equal(jobNamed(jobs, 'deploy').status, 'manual');
      assert.ok(jobNamed(jobs, 'build').artifacts_file, 'build uploaded artifacts');

      const buildLog = await trace(t, projectId, jobNamed(jobs, 'build').id);
      assert.match(buildLog, new RegExp(`hello from ${sha.slice(0, 8)} on main`));
      const testLog = await trace(t, projectId, jobNamed(jobs, 'test').id);
      assert.match(testLog, new RegExp(`built ${sha}`), 'artifacts of build reached test');
      assert.match(testLog, /url is https:\/\/review\.example\.com\/main/, 'dotenv of build reached test');
      assert.match(testLog, /secret is \[MASKED\]/);
      assert.ok(testLog.includes('\x1b[32mgreen\x1b[0m'), 'ANSI colours are kept');
      for (const job of jobs) {
        const stored = await readFile(join(t.dataDir, 'logs', `${job.id}.log`), 'utf8').catch(() => '');
        assert.ok(!stored.includes(SECRET), `secret stored in the log of ${job.name}`);
        assert.ok(!(await trace(t, projectId, job.id)).includes(SECRET));
      }
      const apiDump = JSON.stringify(
        (await t.api('GET', `projects/${projectId}/pipelines/${created.id}/jobs`)).body,
      );
      assert.ok(!apiDump.includes(SECRET));

      const played = await t.api<JobView>(
        'POST',
        `projects/${projectId}/jobs/${jobNamed(jobs, 'deploy').id}/play`,
      );
      assert.equal(played.status, 200);
      const done = await waitForPipeline(t, projectId, created.id);
      assert.equal(done.pipeline.status, 'success');
      assert.match(await trace(t, projectId, jobNamed(done.jobs, 'deploy').id), /deploying/);

      const archive = await fetch(
        `${t.url}/api/v1/projects/${projectId}/jobs/${jobNamed(jobs, 'build').id}/artifacts`,
        {
          headers: { authorization: `Bearer ${'test-admin-token-0123456789abcdef'}` },
        },
      );
      assert.equal(archive.status, 200);
      assert.equal(archive.headers.get('content-type'), 'application/gzip');
      const bytes = Buffer.from(await archive.arrayBuffer());
      assert.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b], 'a gzip archive');
    });

    test('a failing job fails the pipeline with its exit code, retries as told, and skips what follows', async () => {
      const sha = await pushFiles(work, {
        '.gantry.yml': `flaky:
  stage: test
  retry: 1
  script:
    - echo attempt
    - exit 3
after:
  stage: deploy
  script: [echo never]
`,
      });
      const created = await pipelineFor(t, projectId, sha);
      const { pipeline } = await waitForPipeline(t, projectId, created.id);
      assert.equal(pipeline.status, 'failed');
      const all = (
        await t.api<JobView[]>(
          'GET',
          `projects/${projectId}/pipelines/${created.id}/jobs?include_retried=true`,
        )
      ).body;
      const attempts = all.filter((j) => j.name === 'flaky').sort((a, b) => a.attempt - b.attempt);
      assert.deepEqual(
        attempts.map((j) => [j.attempt, j.status, j.exit_code, j.failure_reason, j.retried]),
        [
          [0, 'failed', 3, 'script_failure', true],
          [1, 'failed', 3, 'script_failure', false],
        ],
      );
      assert.equal(jobNamed(all, 'after').status, 'skipped');
    });

    test('an invalid pipeline file makes a failed pipeline naming file, line and column, running nothing', async () => {
      const sha = await pushFiles(work, { '.gantry.yml': 'build:\n  stage: build\n  scirpt: [echo typo]\n' });
      const created = await pipelineFor(t, projectId, sha);
      const { pipeline, jobs } = await waitForPipeline(t, projectId, created.id);
      assert.equal(pipeline.status, 'failed');
      assert.equal(jobs.length, 0);
      assert.ok(pipeline.errors.length > 0);
      assert.ok(
        pipeline.errors.some(
          (e) => e.file === '.gantry.yml' && e.line === 3 && e.column === 3 && /scirpt/.test(e.message),
        ),
        JSON.stringify(pipeline.errors),
      );
    });

    test('cancel kills a running job and everything it started', async () => {
      const pidFile = join(scratch.path, 'sleeper.pid');
      const sha = await pushFiles(work, {
        '.gantry.yml': `sleeper:
  script:
    - sleep 300 & echo $! > ${pidFile}; wait
`,
      });
      const created = await pipelineFor(t, projectId, sha);
      const jobId = await eventually(
        async () => {
          const jobs = (await t.api<JobView[]>('GET', `projects/${projectId}/pipelines/${created.id}/jobs`))
            .body;
          const pid = await readFile(pidFile, 'utf8').catch(() => '');
          return jobs[0]?.status === 'running' && pid.trim() !== '' ? jobs[0].id : undefined;
        },
        () => 'the sleeper never started',
      );
      const pid = Number((await readFile(pidFile, 'utf8')).trim());
      const canceled = await t.api<JobView>('POST', `projects/${projectId}/jobs/${jobId}/cancel`);
      assert.equal(canceled.body.status, 'canceled');
      await eventually(
        async () => {
          try {
            process.kill(pid, 0);
            return undefined;
          } catch {
            return true;
          }
        },
        () => `process ${pid} still alive after cancel`,
        20_000,
      );
      const { pipeline } = await waitForPipeline(t, projectId, created.id);
      assert.equal(pipeline.status, 'canceled');
    });

    test('a job that runs past its timeout fails with job_execution_timeout', async () => {
      const sha = await pushFiles(work, { '.gantry.yml': 'slow:\n  timeout: 2s\n  script: [sleep 60]\n' });
      const created = await pipelineFor(t, projectId, sha);
      const { jobs } = await waitForPipeline(t, projectId, created.id);
      assert.equal(jobs[0]?.status, 'failed');
      assert.equal(jobs[0]?.failure_reason, 'job_execution_timeout');
    });
  });
}
