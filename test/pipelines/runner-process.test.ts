import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runGantry } from '../support/gantry-process.ts';
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
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/test-server.ts';

describe('a separate gantry runner process, and live logs', () => {
  let t: TestServer;
  let scratch: ScratchDir;
  let projectId: number;
  let work: string;
  let runner: ReturnType<typeof runGantry> | undefined;
  before(async () => {
    t = await startTestServer('sqlite', { env: { GANTRY_RUNNER_CONCURRENCY: '1' } });
    scratch = await scratchDir();
    projectId = (await t.api<{ id: number }>('POST', 'projects', { body: { path: 'ci/remote' } })).body.id;
    work = await cloneProject(t, 'ci/remote', join(scratch.path, 'work'));
  });
  after(async () => {
    runner?.child.kill('SIGKILL');
    await t?.stop();
    await scratch?.cleanup();
  });

  test('jobs tagged for a registered runner run there; untagged ones on the embedded runner', async () => {
    const registered = await t.api<{ id: number; token: string }>('POST', 'runners', {
      body: { description: 'remote builder', tag_list: ['remote'], run_untagged: false },
    });
    assert.equal(registered.status, 201);
    assert.match(registered.body.token, /^gtr_/);
    runner = runGantry(
      [
        'runner',
        '--url',
        t.url,
        '--token',
        registered.body.token,
        '--work-dir',
        join(scratch.path, 'builds'),
        '--name',
        'remote-1',
      ],
      {},
    );
    await eventually(
      async () => (/Runner connected/.test(runner!.stdout()) ? true : undefined),
      () => `runner did not connect: ${runner!.stderr()}`,
      20_000,
    );
    const listed = await t.api<Array<{ id: number; online: boolean; embedded: boolean }>>('GET', 'runners');
    assert.ok(listed.body.find((r) => r.id === registered.body.id)?.online);

    const sha = await pushFiles(work, {
      '.gantry.yml': `remote:
  tags: [remote]
  script: [echo "on $CI_RUNNER_NAME remote", 'echo ran-remotely']
local:
  script: [echo ran-locally]
`,
    });
    const created = await pipelineFor(t, projectId, sha);
    const { pipeline, jobs } = await waitForPipeline(t, projectId, created.id);
    assert.equal(pipeline.status, 'success', JSON.stringify(jobs));
    assert.equal(jobNamed(jobs, 'remote').runner_id, registered.body.id);
    assert.notEqual(jobNamed(jobs, 'local').runner_id, registered.body.id);
    assert.match(await trace(t, projectId, jobNamed(jobs, 'remote').id), /ran-remotely/);
  });

  test('the log streams live over SSE while the job runs, then ends with the status', async () => {
    const marker = join(scratch.path, 'release');
    const sha = await pushFiles(work, {
      '.gantry.yml': `live:
  script:
    - echo first-line
    - while [ ! -f ${marker} ]; do sleep 0.1; done
    - echo second-line
`,
    });
    const created = await pipelineFor(t, projectId, sha);
    const job = await eventually(
      async () =>
        (await t.api<JobView[]>('GET', `projects/${projectId}/pipelines/${created.id}/jobs`)).body.find(
          (j) => j.status === 'running',
        ),
      () => 'job never ran',
    );
    const response = await fetch(`${t.url}/api/v1/projects/${projectId}/jobs/${job.id}/trace/stream`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(received)) {
        const { value, done } = await reader.read();
        if (done) break;
        received += decoder.decode(value, { stream: true });
      }
      return pattern.test(received);
    };
    assert.ok(await readUntil(/first-line/), 'the first line arrived while the job was still running');
    assert.doesNotMatch(received, /second-line/);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(marker, '');
    assert.ok(await readUntil(/event: end\ndata: \{"status":"success"/), received.slice(-500));
    assert.match(received, /second-line/);
    await reader.cancel();
  });
});
