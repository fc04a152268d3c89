import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensurePodmanTestImage, PODMAN_TEST_IMAGE } from '../runner/podman-test-image.ts';
import { commandWorks, realDependency } from '../runner/real-dependency.ts';
import { runGantry } from '../support/gantry-process.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
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

// `gantry runner --executor podman` through the server: the job's script runs in a container from
// its `image:`, and its artifacts reach a later job on the embedded shell runner.

const podman = realDependency(
  commandWorks('podman', ['--version']) && commandWorks('runc', ['--version']),
  'podman and runc (the podman runner test runs real containers)',
);

describe('a podman runner through the server', podman.options, () => {
  let t: TestServer;
  let scratch: ScratchDir;
  let runner: ReturnType<typeof runGantry> | undefined;
  before(async () => {
    podman.assertPresent();
    await ensurePodmanTestImage();
    t = await startTestServer('sqlite', { env: { GANTRY_RUNNER_CONCURRENCY: '1' } });
    scratch = await scratchDir();
  });
  after(async () => {
    runner?.child.kill('SIGTERM');
    await runner?.exited;
    await t?.stop();
    await scratch?.cleanup();
  });

  test('a tagged job runs in its image; its artifacts reach the next job', async () => {
    const registered = await t.api<{ token: string; id: number }>('POST', 'runners', {
      body: { description: 'podman', tag_list: ['podman'], run_untagged: false },
    });
    runner = runGantry(
      [
        'runner',
        '--url',
        t.url,
        '--token',
        registered.body.token,
        '--executor',
        'podman',
        '--work-dir',
        join(scratch.path, 'builds'),
      ],
      {},
    );
    await eventually(
      async () => (/Runner connected/.test(runner!.stdout()) ? true : undefined),
      () => `the podman runner did not connect: ${runner!.stderr()}`,
      20_000,
    );
    const projectId = (await t.api<{ id: number }>('POST', 'projects', { body: { path: 'ci/containers' } }))
      .body.id;
    const work = await cloneProject(t, 'ci/containers', join(scratch.path, 'work'));
    const sha = await pushFiles(work, {
      '.gantry.yml': `build:
  stage: build
  image: ${PODMAN_TEST_IMAGE}
  tags: [podman]
  script:
    - echo "in a container as $CI_JOB_NAME"
    - test -f README.md && echo checkout-visible
    - mkdir -p out && echo made-in-container > out/result.txt
  artifacts:
    paths: [out/]
use:
  stage: test
  script:
    - cat out/result.txt
`,
      'README.md': '# containers\n',
    });
    const pipeline = await pipelineFor(t, projectId, sha);
    const { pipeline: done, jobs } = await waitForPipeline(t, projectId, pipeline.id, undefined, 120_000);
    assert.equal(done.status, 'success', JSON.stringify(jobs));
    assert.equal(jobNamed(jobs, 'build').runner_id, registered.body.id);
    const buildLog = await trace(t, projectId, jobNamed(jobs, 'build').id);
    assert.match(buildLog, /in a container as build/);
    assert.match(buildLog, /checkout-visible/);
    assert.match(await trace(t, projectId, jobNamed(jobs, 'use').id), /made-in-container/);
  });
});
