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
  type PipelineView,
  pipelineFor,
  pushFiles,
  trace,
  waitForPipeline,
} from '../support/pipeline-helpers.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/test-server.ts';

for (const dialect of DIALECTS) {
  describe(`pipeline and job API on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let scratch: ScratchDir;
    let projectId: number;
    let work: string;
    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '2' } });
      scratch = await scratchDir();
      projectId = (await t.api<{ id: number }>('POST', 'projects', { body: { path: 'papi/app' } })).body.id;
      work = await cloneProject(t, 'papi/app', join(scratch.path, 'work'));
      await pushFiles(work, {
        '.gantry.yml': `workflow:
  rules:
    - if: $CI_COMMIT_BRANCH == "skip-me"
      when: never
    - when: always
show:
  script:
    - echo "color=$COLOR source=$CI_PIPELINE_SOURCE"
    - test "$FAIL" != "yes"
`,
      });
    });
    after(async () => {
      await t?.stop();
      await scratch?.cleanup();
    });

    test('POST /pipeline runs a ref with variables; rebuild runs the same commit again', async () => {
      const created = await t.api<PipelineView>('POST', `projects/${projectId}/pipeline`, {
        body: { ref: 'main', variables: [{ key: 'COLOR', value: 'teal' }] },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.source, 'api');
      const { jobs } = await waitForPipeline(t, projectId, created.body.id);
      assert.match(await trace(t, projectId, jobs[0]!.id), /color=teal source=api/);

      const rebuilt = await t.api<PipelineView & { rebuild_of: number }>(
        'POST',
        `projects/${projectId}/pipelines/${created.body.id}/rebuild`,
      );
      assert.equal(rebuilt.status, 201);
      assert.notEqual(rebuilt.body.id, created.body.id);
      assert.equal(rebuilt.body.sha, created.body.sha);
      assert.equal(rebuilt.body.rebuild_of, created.body.id);
      const again = await waitForPipeline(t, projectId, rebuilt.body.id);
      assert.match(await trace(t, projectId, again.jobs[0]!.id), /color=teal/, 'variables carried over');
    });

    test('refused requests say why and create nothing', async () => {
      const before = (await t.api<PipelineView[]>('GET', `projects/${projectId}/pipelines`)).headers.get(
        'x-total',
      );
      const missing = await t.api<{ error: { message: string } }>('POST', `projects/${projectId}/pipeline`, {
        body: { ref: 'no-such-branch' },
      });
      assert.equal(missing.status, 400);
      assert.match(missing.body.error.message, /no-such-branch does not exist/);
      await pushFiles(work, { 'skip.txt': 'x' }, 'skip-me');
      const excluded = await t.api<{ error: { message: string } }>('POST', `projects/${projectId}/pipeline`, {
        body: { ref: 'skip-me' },
      });
      assert.equal(excluded.status, 400);
      assert.match(excluded.body.error.message, /workflow rules exclude it/);
      const badVariable = await t.api('POST', `projects/${projectId}/pipeline`, {
        body: { ref: 'main', variables: [{ key: 'BAD-KEY', value: 'x' }] },
      });
      assert.equal(badVariable.status, 400);
      const after = (await t.api<PipelineView[]>('GET', `projects/${projectId}/pipelines`)).headers.get(
        'x-total',
      );
      assert.equal(after, before);
    });

    test('retrying a failed pipeline runs its failed job again as a new attempt', async () => {
      const failed = await t.api<PipelineView>('POST', `projects/${projectId}/pipeline`, {
        body: { ref: 'main', variables: [{ key: 'FAIL', value: 'yes' }] },
      });
      const first = await waitForPipeline(t, projectId, failed.body.id);
      assert.equal(first.pipeline.status, 'failed');
      const retried = await t.api<PipelineView>(
        'POST',
        `projects/${projectId}/pipelines/${failed.body.id}/retry`,
      );
      assert.equal(retried.status, 200);
      await eventually(
        async () => {
          const all = (
            await t.api<JobView[]>(
              'GET',
              `projects/${projectId}/pipelines/${failed.body.id}/jobs?include_retried=true`,
            )
          ).body;
          return all.length === 2 && all.every((j) => j.status === 'failed') ? all : undefined;
        },
        () => 'the retry did not run',
      );
      const latest = (await t.api<JobView[]>('GET', `projects/${projectId}/pipelines/${failed.body.id}/jobs`))
        .body;
      assert.equal(latest.length, 1);
      assert.equal(latest[0]!.attempt, 1);
    });

    test('the trace answers byte ranges, and job lists filter by scope', async () => {
      const pipeline = (await t.api<PipelineView[]>('GET', `projects/${projectId}/pipelines?status=success`))
        .body[0]!;
      const job = (await t.api<JobView[]>('GET', `projects/${projectId}/pipelines/${pipeline.id}/jobs`))
        .body[0]!;
      const full = await trace(t, projectId, job.id);
      const partial = await fetch(`${t.url}/api/v1/projects/${projectId}/jobs/${job.id}/trace`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, range: 'bytes=10-' },
      });
      assert.equal(partial.status, 206);
      const size = Buffer.byteLength(full);
      assert.equal(partial.headers.get('content-range'), `bytes 10-${size - 1}/${size}`);
      assert.equal(await partial.text(), Buffer.from(full).subarray(10).toString());
      const failedJobs = await t.api<JobView[]>('GET', `projects/${projectId}/jobs?scope[]=failed`);
      assert.ok(failedJobs.body.length > 0);
      assert.ok(failedJobs.body.every((j) => j.status === 'failed'));
    });

    test('a delayed job waits as scheduled, then runs', async () => {
      const sha = await pushFiles(work, {
        '.gantry.yml': 'later:\n  when: delayed\n  start_in: 1 second\n  script: [echo later]\n',
      });
      const pipeline = await pipelineFor(t, projectId, sha);
      const jobs = (await t.api<JobView[]>('GET', `projects/${projectId}/pipelines/${pipeline.id}/jobs`))
        .body;
      assert.equal(jobs[0]?.status, 'scheduled');
      const done = await waitForPipeline(t, projectId, pipeline.id);
      assert.equal(jobNamed(done.jobs, 'later').status, 'success');
    });

    test('a job token reads its own project only, never pushes, and dies with its job', async () => {
      const other = await t.api<{ id: number }>('POST', 'projects', { body: { path: 'papi/other' } });
      assert.equal(other.status, 201);
      const tokenFile = join(scratch.path, 'job-token');
      const sha = await pushFiles(work, {
        '.gantry.yml': `probe:
  script:
    - printf '%s' "$CI_JOB_TOKEN" > ${tokenFile}
    - git ls-remote "http://gitlab-ci-token:$CI_JOB_TOKEN@${new URL(t.url).host}/papi/app.git" > /dev/null && echo own-ok
    - git ls-remote "http://gitlab-ci-token:$CI_JOB_TOKEN@${new URL(t.url).host}/papi/other.git" > /dev/null 2>&1 || echo other-refused
    - git push "http://gitlab-ci-token:$CI_JOB_TOKEN@${new URL(t.url).host}/papi/app.git" HEAD:refs/heads/evil > /dev/null 2>&1 || echo push-refused
`,
      });
      const pipeline = await pipelineFor(t, projectId, sha);
      const { jobs } = await waitForPipeline(t, projectId, pipeline.id);
      const log = await trace(t, projectId, jobs[0]!.id);
      assert.match(log, /own-ok/);
      assert.match(log, /other-refused/);
      assert.match(log, /push-refused/);
      const token = await readFile(tokenFile, 'utf8');
      assert.match(token, /^gtj_/);
      assert.ok(!log.includes(token), 'the job token is masked in the log');
      const afterwards = await fetch(`${t.url}/api/v1/jobs/${jobs[0]!.id}/artifacts`, {
        headers: { 'job-token': token },
      });
      assert.equal(afterwards.status, 401, 'the token stopped working when the job ended');
    });

    test('artifacts past their expire_in are removed by the cleanup, file and record', async () => {
      const sha = await pushFiles(work, {
        '.gantry.yml': `short-lived:
  script: [mkdir -p out, echo data > out/file.txt]
  artifacts:
    paths: [out/]
    expire_in: 1 second
kept:
  script: [mkdir -p out, echo data > out/file.txt]
  artifacts:
    paths: [out/]
`,
      });
      const pipeline = await pipelineFor(t, projectId, sha);
      const { jobs } = await waitForPipeline(t, projectId, pipeline.id);
      const shortLived = jobNamed(jobs, 'short-lived');
      const kept = jobNamed(jobs, 'kept');
      assert.ok(shortLived.artifacts_file && kept.artifacts_file);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      assert.ok((await t.server.engine.timers.removeExpiredArtifacts()) >= 1);
      const download = (id: number) => t.api('GET', `projects/${projectId}/jobs/${id}/artifacts`);
      assert.equal((await download(shortLived.id)).status, 404);
      assert.equal((await download(kept.id)).status, 200);
      const { readdir } = await import('node:fs/promises');
      const files = await readdir(join(t.dataDir, 'artifacts'));
      assert.ok(!files.includes(`${shortLived.id}.tar.gz`));
      assert.ok(files.includes(`${kept.id}.tar.gz`));
    });

    test('lint: valid content lists jobs; errors carry file, line and column', async () => {
      const valid = await t.api<{ valid: boolean; jobs: string[]; stages: string[] }>(
        'POST',
        `projects/${projectId}/ci/lint`,
        {
          body: {
            content: 'stages: [a, b]\none:\n  stage: a\n  script: [x]\ntwo:\n  stage: b\n  script: [y]\n',
          },
        },
      );
      assert.equal(valid.status, 200);
      assert.equal(valid.body.valid, true);
      assert.deepEqual(valid.body.jobs.sort(), ['one', 'two']);
      const invalid = await t.api<{ valid: boolean; error_details: Array<{ line: number; column: number }> }>(
        'POST',
        `projects/${projectId}/ci/lint`,
        { body: { content: 'one:\n  script: [x]\n  needs: [ghost]\n' } },
      );
      assert.equal(invalid.body.valid, false);
      assert.equal(invalid.body.error_details[0]?.line, 3);
      const stored = await t.api<{ valid: boolean }>('POST', `projects/${projectId}/ci/lint`, {
        body: { ref: 'main' },
      });
      assert.equal(stored.body.valid, true);
    });

    test('jobs carry their stage order, their needs and their environment', async () => {
      const sha = await pushFiles(work, {
        '.gantry.yml': `stages: [zeta, alpha]
build:
  stage: zeta
  script: [echo build]
check:
  stage: alpha
  needs: [build]
  environment: { name: review/$CI_COMMIT_REF_SLUG, action: prepare }
  script: [echo check]
after:
  stage: alpha
  script: [echo after]
`,
      });
      const pipeline = await pipelineFor(t, projectId, sha);
      const { jobs } = await waitForPipeline(t, projectId, pipeline.id);
      const view = (name: string) => {
        const { stage_index, needs, environment } = jobNamed(jobs, name) as JobView & {
          stage_index: number;
          needs: string[] | null;
          environment: { name: string; action: string } | null;
        };
        return { stage_index, needs, environment };
      };
      assert.deepEqual(view('build'), { stage_index: 0, needs: null, environment: null });
      assert.deepEqual(view('check'), {
        stage_index: 1,
        needs: ['build'],
        environment: { name: 'review/$CI_COMMIT_REF_SLUG', action: 'prepare' },
      });
      assert.deepEqual(view('after'), { stage_index: 1, needs: null, environment: null });
    });
  });
}
