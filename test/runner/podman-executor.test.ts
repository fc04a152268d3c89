import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { extractArtifacts } from '../../src/runner/executor/extract-artifacts.ts';
import { podmanExecutor, podmanGlobalArgs } from '../../src/runner/executor/podman-executor.ts';
import type { JobResult, JobSpec } from '../../src/runner/job-spec.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { type FakeJobIo, fakeJobIo } from './fake-job-io.ts';
import { type GitHttpFixture, startGitHttpFixture } from './git-http-server.ts';
import { jobSpec, variable } from './job-spec-fixture.ts';
import { ensurePodmanTestImage, isStaticElf, STATIC_BUSYBOX } from './podman-test-image.ts';
import { commandWorks, realDependency } from './real-dependency.ts';

const podman = realDependency(
  commandWorks('podman', ['--version']) &&
    commandWorks('runc', ['--version']) &&
    commandWorks('git', ['--version']),
  'podman, runc and git (the podman executor tests run real containers)',
);

/** Job ids of this file, unlikely to be used by any other test running at the same time. */
const JOB_ID = 700_000 + Math.floor(Math.random() * 99_999);

/** Names of this file's job containers (`gantry-job-<JOB_ID>-…`) that exist, running or not. */
function jobContainers(): string[] {
  const filter = `name=gantry-job-${JOB_ID}-`;
  const args = [...podmanGlobalArgs({}), 'ps', '-a', '--filter', filter, '--format', '{{.Names}}'];
  return execFileSync('podman', args, { encoding: 'utf8' })
    .split('\n')
    .filter((name) => name !== '');
}

describe('podman executor', podman.options, () => {
  let git: GitHttpFixture;
  let scratch: ScratchDir;
  let workDir: string;
  let image: string;

  before(async () => {
    podman.assertPresent();
    assert.ok(
      await isStaticElf(STATIC_BUSYBOX),
      `${STATIC_BUSYBOX} must be a static binary (busybox-static)`,
    );
    image = await ensurePodmanTestImage();
    git = await startGitHttpFixture();
    scratch = await scratchDir('gantry-podman-executor-');
    workDir = join(scratch.path, 'work');
  });
  after(async () => {
    await git?.close();
    await scratch?.cleanup();
  });

  const run = async (
    overrides: Partial<JobSpec>,
    options: { signal?: AbortSignal; io?: FakeJobIo } = {},
  ): Promise<{ result: JobResult; io: FakeJobIo; log: string }> => {
    const io = options.io ?? (await fakeJobIo());
    const executor = podmanExecutor({ workDir, killGraceMs: 500, pullPolicy: 'never' });
    const spec = jobSpec({
      id: JOB_ID,
      image,
      repositoryUrl: git.url,
      sha: git.sha,
      token: git.token,
      ...overrides,
    });
    const result = await executor.run(spec, io, options.signal ?? new AbortController().signal);
    assert.deepEqual(
      existsSync(workDir) ? readdirSync(workDir) : [],
      [],
      'the workspace is removed after the job',
    );
    return { result, io, log: io.plain() };
  };

  test('a failing job in the busybox image reports its exit code and output', async () => {
    const { result, log } = await run({ script: ['echo hello; cat /etc/os-release || true; exit 3'] });
    assert.deepEqual(result, {
      status: 'failed',
      exitCode: 3,
      failureReason: 'script_failure',
      dotenv: null,
    });
    assert.match(log, /^hello$/m);
    assert.match(log, /Using Podman executor\.\.\./);
    assert.match(log, /ERROR: Job failed: exit code 3/);
    assert.deepEqual(jobContainers(), []);
  });

  test('the checkout is mounted; variables arrive through files, none on the command line', async () => {
    process.env.GANTRY_LEAK_MARKER = 'leak-marker-podman';
    try {
      const { result, log } = await run({
        variables: [
          variable('PLAIN', 'hello world'),
          variable('MULTI', 'first line\nsecond line'),
          variable('SECRET_FILE', 'file content', { file: true }),
        ],
        script: [
          'cat job.txt',
          'echo "pwd=$PWD project=$CI_PROJECT_DIR"',
          'echo "plain=[$PLAIN]"',
          'printf "multi=[%s]\\n" "$MULTI"',
          'echo "file=[$(cat "$SECRET_FILE")]"',
          'env',
          'echo built > output.txt',
        ],
        afterScript: ['echo "after: $CI_JOB_STATUS $PLAIN"'],
        artifacts: { paths: ['output.txt'], dotenv: null, when: 'on_success' },
      });
      assert.equal(result.status, 'success', log);
      assert.match(log, /^from the repository$/m);
      const pwd = /^pwd=(\S+) project=(\S+)$/m.exec(log);
      assert.ok(pwd !== null && pwd[1] === pwd[2], 'the job runs in the checkout, at its host path');
      assert.match(log, /^plain=\[hello world\]$/m);
      assert.match(log, /^multi=\[first line\nsecond line\]$/m);
      assert.match(log, /^file=\[file content\]$/m);
      assert.match(log, /^after: success hello world$/m);
      assert.doesNotMatch(log, /leak-marker-podman/);
    } finally {
      delete process.env.GANTRY_LEAK_MARKER;
    }
  });

  test('variable values never appear in any process command line', async () => {
    const controller = new AbortController();
    const io = await fakeJobIo();
    const running = run(
      {
        variables: [variable('API_KEY', 'cmdline-secret-4d2e', { masked: true })],
        script: ['echo ready', 'sleep 1000'],
      },
      { signal: controller.signal, io },
    );
    for (let i = 0; i < 600 && !/^ready$/m.test(io.plain()); i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const leaking: string[] = [];
    for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (cmdline.includes('cmdline-secret-4d2e')) leaking.push(cmdline.replaceAll('\0', ' '));
      } catch {
        // The process is gone.
      }
    }
    controller.abort();
    await running;
    assert.match(io.plain(), /^ready$/m);
    assert.deepEqual(leaking, []);
  });

  test('files the container writes become artifacts', async () => {
    const io = await fakeJobIo();
    const { result } = await run(
      {
        script: ['mkdir -p dist && echo built > dist/out.txt'],
        artifacts: { paths: ['dist/'], dotenv: null, when: 'on_success' },
      },
      { io },
    );
    assert.equal(result.status, 'success');
    const into = join(scratch.path, 'extracted');
    mkdirSync(into);
    await extractArtifacts(io.uploads[0]!, into);
    assert.equal(readFileSync(join(into, 'dist/out.txt'), 'utf8'), 'built\n');
  });

  test('cancel stops and removes the container', async () => {
    const controller = new AbortController();
    const io = await fakeJobIo();
    const running = run(
      { script: ['sleep 1000 &', 'echo started', 'sleep 1000'], afterScript: ['echo AFTER-RAN'] },
      {
        signal: controller.signal,
        io,
      },
    );
    for (let i = 0; i < 600 && !/^started$/m.test(io.plain()); i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    assert.match(io.plain(), /^started$/m);
    assert.equal(jobContainers().length, 1, 'the job container runs');
    controller.abort();
    const { result, log } = await running;
    assert.deepEqual(result, { status: 'canceled', exitCode: null, failureReason: null, dotenv: null });
    assert.deepEqual(jobContainers(), [], 'no job container is left');
    assert.doesNotMatch(log, /AFTER-RAN/);
  });

  test('timeout stops and removes the container', async () => {
    const { result, log } = await run({ timeoutSeconds: 3, script: ['sleep 1000'] });
    assert.deepEqual(result, {
      status: 'failed',
      exitCode: null,
      failureReason: 'job_execution_timeout',
      dotenv: null,
    });
    assert.match(log, /execution took longer than 3 seconds/);
    assert.deepEqual(jobContainers(), []);
  });

  test('a missing image is a runner system failure before anything runs', async () => {
    const { result, log } = await run({ image: 'localhost/gantry-no-such-image:0' });
    assert.equal(result.failureReason, 'runner_system_failure');
    assert.match(log, /image localhost\/gantry-no-such-image:0 is not present and the pull policy is never/);
  });
});
