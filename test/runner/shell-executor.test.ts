import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createArtifactsArchive } from '../../src/runner/executor/artifacts-archive.ts';
import { extractArtifacts } from '../../src/runner/executor/extract-artifacts.ts';
import { shellExecutor } from '../../src/runner/executor/shell-executor.ts';
import type { JobResult, JobSpec } from '../../src/runner/job-spec.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { type FakeJobIo, fakeJobIo } from './fake-job-io.ts';
import { type GitHttpFixture, startGitHttpFixture } from './git-http-server.ts';
import { jobSpec, variable } from './job-spec-fixture.ts';
import { isRunning, waitForPidFile } from './process-check.ts';
import { commandWorks, realDependency } from './real-dependency.ts';

const tools = realDependency(
  commandWorks('bash', ['-c', 'true']) && commandWorks('git', ['--version']),
  'bash and git (the shell executor tests run real jobs)',
);

/** Processes a script leaves behind: a background sleep, and a nested bash (and its sleep) ignoring SIGTERM. */
const GRANDCHILDREN = [
  'sleep 1000 & echo $! > "$PID_DIR/background"',
  `bash -c 'trap "" TERM; sleep 1000 & echo $! > "$PID_DIR/nested-sleep"; echo $$ > "$PID_DIR/nested"; wait'`,
];

describe('shell executor', tools.options, () => {
  let git: GitHttpFixture;
  let scratch: ScratchDir;
  let workDir: string;
  let dirs = 0;
  const archives = new Map<number, string>();

  before(async () => {
    tools.assertPresent();
    git = await startGitHttpFixture();
    scratch = await scratchDir('gantry-shell-executor-');
    workDir = join(scratch.path, 'work');
  });
  after(async () => {
    await git?.close();
    await scratch?.cleanup();
  });

  const freshDir = (name: string): string => {
    const dir = join(scratch.path, `${name}-${dirs++}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  };

  const run = async (
    overrides: Partial<JobSpec>,
    options: { signal?: AbortSignal; afterScriptTimeoutMs?: number; io?: FakeJobIo } = {},
  ): Promise<{ result: JobResult; io: FakeJobIo; log: string }> => {
    const io = options.io ?? (await fakeJobIo(archives));
    const executor = shellExecutor({
      workDir,
      killGraceMs: 300,
      afterScriptTimeoutMs: options.afterScriptTimeoutMs,
    });
    const spec = jobSpec({ repositoryUrl: git.url, sha: git.sha, token: git.token, ...overrides });
    const result = await executor.run(spec, io, options.signal ?? new AbortController().signal);
    assert.deepEqual(
      existsSync(workDir) ? readdirSync(workDir) : [],
      [],
      'the workspace is removed after the job',
    );
    return { result, io, log: io.plain() };
  };

  test('checks out the commit over HTTP with the job token, never storing or logging it', async () => {
    const { result, io, log } = await run({
      script: ['git rev-parse HEAD', 'cat job.txt', 'cat .git/config', 'git status --porcelain --branch'],
    });
    assert.equal(result.status, 'success', log);
    assert.deepEqual(result, { status: 'success', exitCode: 0, failureReason: null, dotenv: null });
    assert.match(log, new RegExp(`^${git.sha}$`, 'm'));
    assert.match(log, /^from the repository$/m);
    assert.match(log, /## HEAD \(no branch\)/);
    assert.match(log, /Fetching changes with git depth set to 50\.\.\./);
    assert.match(
      log,
      new RegExp(`Checking out ${git.sha.slice(0, 8)} as detached HEAD \\(ref is main\\)\\.\\.\\.`),
    );
    assert.ok(io.text().includes('\u001b[32;1mGetting source from Git repository\u001b[0;m\n'));
    assert.match(log, new RegExp(`url = ${git.url.replace(/[.]/g, '\\.')}\n`), '.git/config was printed');
    const basic = Buffer.from(`gitlab-ci-token:${git.token}`).toString('base64');
    for (const secret of [git.token, basic])
      assert.ok(!io.text().includes(secret), 'token absent from log and .git/config');
    assert.ok(git.authorizations.length > 0);
    assert.ok(
      git.authorizations.every((header) => header === `Basic ${basic}`),
      'every request authenticated',
    );
  });

  test('checks out an older commit by its sha', async () => {
    const { result, log } = await run({
      sha: git.firstSha,
      script: ['git rev-parse HEAD', 'test ! -e job.txt'],
    });
    assert.equal(result.status, 'success', log);
    assert.match(log, new RegExp(`^${git.firstSha}$`, 'm'));
  });

  test('a rejected token is a runner system failure; no script runs', async () => {
    const rejectedBefore = git.rejected();
    const { result, log } = await run({
      token: 'wrong-token',
      script: ['echo SCRIPT-RAN'],
      afterScript: ['echo AFTER-RAN'],
    });
    assert.deepEqual(result, {
      status: 'failed',
      exitCode: null,
      failureReason: 'runner_system_failure',
      dotenv: null,
    });
    assert.ok(git.rejected() > rejectedBefore, 'the server answered 401');
    assert.match(log, /ERROR: Job failed \(system failure\): git fetch failed/);
    assert.doesNotMatch(log, /SCRIPT-RAN|AFTER-RAN|wrong-token/);
  });

  test('an unusable workDir is a runner system failure', async () => {
    const file = join(scratch.path, 'a-file');
    writeFileSync(file, 'x');
    const io = await fakeJobIo();
    const result = await shellExecutor({ workDir: file }).run(jobSpec(), io, new AbortController().signal);
    assert.equal(result.failureReason, 'runner_system_failure');
    assert.match(io.plain(), /ERROR: Job failed \(system failure\): cannot create the job workspace/);
  });

  test('echoes each command in green and stops at the first failing one with its exit code', async () => {
    const { result, io, log } = await run({ script: ['echo one', 'sh -c "exit 7"', 'echo two'] });
    assert.deepEqual(result, {
      status: 'failed',
      exitCode: 7,
      failureReason: 'script_failure',
      dotenv: null,
    });
    assert.ok(io.text().includes('\u001b[32;1m$ echo one\u001b[0;m\none\n'));
    assert.match(log, /\$ sh -c "exit 7"\n/);
    assert.doesNotMatch(log, /two/);
    assert.ok(io.text().endsWith('\u001b[31;1mERROR: Job failed: exit code 7\u001b[0;m\n'));
  });

  test('before_script and script share one shell; a failing before_script stops the job', async () => {
    const shared = await run({
      beforeScript: ['export SHARED=from-before', 'cd /tmp'],
      script: ['echo "$SHARED $PWD"'],
    });
    assert.match(shared.log, /^from-before \/tmp$/m);
    const failing = await run({ beforeScript: ['exit 4'], script: ['echo SCRIPT-RAN'] });
    assert.equal(failing.result.exitCode, 4);
    assert.doesNotMatch(failing.log, /SCRIPT-RAN/);
  });

  test('a multi-line entry runs as one command; pipefail applies (bash)', async () => {
    const multi = await run({ script: ['if [ -n "$BASH_VERSION" ]; then\n  echo "bash here"\nfi'] });
    assert.match(
      multi.log,
      /\$ if \[ -n "\$BASH_VERSION" \]; then # collapsed multi-line command\nbash here\n/,
    );
    const pipe = await run({ script: ['false | cat', 'echo not-reached'] });
    assert.equal(pipe.result.exitCode, 1);
    assert.doesNotMatch(pipe.log, /not-reached/);
  });

  test('after_script runs in a new shell after a failure and leaves the status alone', async () => {
    const { result, log } = await run({
      beforeScript: ['export FROM_MAIN=yes'],
      script: ['exit 3'],
      afterScript: ['echo "after: status=$CI_JOB_STATUS main=[$FROM_MAIN] pwd=$PWD"', 'exit 9'],
    });
    assert.deepEqual(result, {
      status: 'failed',
      exitCode: 3,
      failureReason: 'script_failure',
      dotenv: null,
    });
    assert.match(log, /^after: status=failed main=\[\] pwd=.*\/app$/m);
    assert.match(log, /Running after_script/);
  });

  test('a failing after_script does not fail a successful job', async () => {
    const { result, log } = await run({
      script: ['echo main'],
      afterScript: ['echo "after: $CI_JOB_STATUS"', 'exit 5', 'echo after-not-reached'],
    });
    assert.equal(result.status, 'success', log);
    assert.match(log, /^after: success$/m);
    assert.match(log, /WARNING: after_script failed, but job will continue unaffected: exit code 5/);
    assert.doesNotMatch(log, /after-not-reached/);
    assert.match(log, /Job succeeded\n$/);
  });

  test('after_script has its own timeout', async () => {
    const { result, log } = await run({ afterScript: ['sleep 1000'] }, { afterScriptTimeoutMs: 300 });
    assert.equal(result.status, 'success', log);
    assert.match(
      log,
      /WARNING: after_script failed, but job will continue unaffected: execution took longer than 0.3 seconds/,
    );
  });

  test('variables: plain, multi-line and file variables, nothing expanded', async () => {
    const certificate = '-----BEGIN CERT-----\nline two\n-----END CERT-----';
    const { result, log } = await run({
      variables: [
        variable('PLAIN', 'hello world'),
        variable('MULTI', 'first line\nsecond line'),
        variable('LITERAL', '$HOME `id` "q" \'s\''),
        variable('CERT_FILE', certificate, { file: true }),
      ],
      script: [
        'echo "plain=[$PLAIN]"',
        'printf "multi=[%s]\\n" "$MULTI"',
        'printf "literal=[%s]\\n" "$LITERAL"',
        'printf "cert=[%s]\\n" "$(cat "$CERT_FILE")"',
        'echo "mode=$(stat -c %a "$CERT_FILE")"',
        'case "$CERT_FILE" in "$CI_PROJECT_DIR"/*) echo file=inside ;; *) echo file=outside ;; esac',
      ],
    });
    assert.equal(result.status, 'success', log);
    assert.match(log, /^plain=\[hello world\]$/m);
    assert.match(log, /^multi=\[first line\nsecond line\]$/m);
    assert.match(log, /^literal=\[\$HOME `id` "q" 's'\]$/m);
    assert.ok(log.includes(`cert=[${certificate}]`));
    assert.match(log, /^mode=600$/m);
    assert.match(log, /^file=outside$/m);
  });

  test("the runner's own environment does not leak into jobs (except PATH)", async () => {
    process.env.GANTRY_LEAK_MARKER = 'leak-marker-5f3a';
    try {
      const { result, log } = await run({ script: ['env'] });
      assert.equal(result.status, 'success', log);
      assert.doesNotMatch(log, /leak-marker-5f3a|GANTRY_LEAK_MARKER/);
      const names = log
        .split('\n')
        .map((line) => /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(line)?.[1])
        .filter((name) => name !== undefined);
      for (const name of names) {
        assert.ok(
          [
            'PATH',
            'HOME',
            'LANG',
            'SHELL',
            'PWD',
            'SHLVL',
            '_',
            'OLDPWD',
            'CI_PROJECT_DIR',
            'CI_BUILDS_DIR',
            'REGISTRY_AUTH_FILE',
          ].includes(name!),
          `unexpected variable ${name}`,
        );
      }
      assert.match(log, /^LANG=C\.UTF-8$/m);
      assert.match(log, /^HOME=.*\/tmp\/home$/m);
      assert.match(log, /^REGISTRY_AUTH_FILE=.*\/tmp\/auth\.json$/m);
      assert.match(
        log,
        new RegExp(`^PATH=${(process.env.PATH ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'),
      );
    } finally {
      delete process.env.GANTRY_LEAK_MARKER;
    }
  });

  test("Podman's configuration passes to jobs; each job logs in to registries in its own auth file", async () => {
    const executor = shellExecutor({
      workDir,
      containersEnvironment: { CONTAINERS_CONF: '/srv/podman/containers.conf' },
    });
    const script = ['echo "conf=$CONTAINERS_CONF"', 'echo "auth=$REGISTRY_AUTH_FILE"'];
    const logs: string[] = [];
    for (const id of [501, 502]) {
      const io = await fakeJobIo(archives);
      const result = await executor.run(
        jobSpec({ id, repositoryUrl: git.url, sha: git.sha, token: git.token, script }),
        io,
        new AbortController().signal,
      );
      assert.equal(result.status, 'success', io.plain());
      logs.push(io.plain());
    }
    assert.match(logs[0]!, /^conf=\/srv\/podman\/containers\.conf$/m);
    const authFiles = logs.map((log) => /^auth=(.*)$/m.exec(log)?.[1]);
    assert.match(authFiles[0]!, /\/tmp\/auth\.json$/);
    assert.notEqual(authFiles[0], authFiles[1]);
  });

  test('timeout: job_execution_timeout, the whole process tree killed, after_script still runs', async () => {
    const pidDir = freshDir('pids');
    const { result, log } = await run({
      timeoutSeconds: 2,
      variables: [variable('PID_DIR', pidDir)],
      script: [...GRANDCHILDREN, 'echo not-reached'],
      afterScript: ['echo "after ran: $CI_JOB_STATUS"'],
    });
    assert.deepEqual(result, {
      status: 'failed',
      exitCode: null,
      failureReason: 'job_execution_timeout',
      dotenv: null,
    });
    assert.match(log, /ERROR: Job failed: execution took longer than 2 seconds/);
    assert.match(log, /^after ran: failed$/m);
    for (const name of ['background', 'nested', 'nested-sleep']) {
      const pid = Number(readFileSync(join(pidDir, name), 'utf8'));
      assert.equal(isRunning(pid), false, `${name} (pid ${pid}) was killed`);
    }
  });

  test('cancel: canceled, the whole process tree killed, no after_script, no artifacts', async () => {
    const pidDir = freshDir('pids');
    const controller = new AbortController();
    const io = await fakeJobIo();
    const running = run(
      {
        variables: [variable('PID_DIR', pidDir)],
        script: GRANDCHILDREN,
        afterScript: ['echo AFTER-RAN'],
        artifacts: { paths: ['job.txt'], dotenv: null, when: 'always' },
      },
      { signal: controller.signal, io },
    );
    const pids = await Promise.all(
      ['background', 'nested', 'nested-sleep'].map((name) => waitForPidFile(join(pidDir, name))),
    );
    for (const pid of pids) assert.equal(isRunning(pid), true);
    controller.abort();
    const { result, log } = await running;
    assert.deepEqual(result, { status: 'canceled', exitCode: null, failureReason: null, dotenv: null });
    for (const pid of pids) assert.equal(isRunning(pid), false, `pid ${pid} was killed`);
    assert.doesNotMatch(log, /AFTER-RAN/);
    assert.deepEqual(io.uploads, []);
    assert.match(log, /ERROR: Job failed: canceled/);
  });

  test('artifacts: paths archived (refusing escapes), uploaded, and extracted elsewhere intact', async () => {
    const { result, io, log } = await run({
      script: [
        'mkdir -p dist/sub && echo app > dist/app.js && echo deep > dist/sub/deep.txt',
        'ln -s app.js dist/current && ln -s /etc/passwd dist/passwd-link && ln -s /etc outside-dir',
        'echo "<xml/>" > report.xml',
      ],
      artifacts: {
        paths: ['dist/', '*.xml', 'outside-dir/passwd', '../escape', '/etc/hostname', 'missing/'],
        dotenv: null,
        when: 'on_success',
      },
    });
    assert.equal(result.status, 'success', log);
    assert.equal(io.uploads.length, 1);
    assert.match(log, /WARNING: dist\/passwd-link: refused, the symbolic link points outside/);
    assert.match(log, /WARNING: outside-dir.*leads out of the project directory/);
    assert.match(log, /WARNING: \.\.\/escape: refused/);
    assert.match(log, /WARNING: \/etc\/hostname: refused/);
    assert.match(log, /WARNING: missing\/: no matching files/);
    const into = freshDir('extracted');
    await extractArtifacts(io.uploads[0]!, into);
    assert.deepEqual(readdirSync(into).sort(), ['dist', 'report.xml']);
    assert.deepEqual(readdirSync(join(into, 'dist')).sort(), ['app.js', 'current', 'sub']);
    assert.equal(readFileSync(join(into, 'dist/current'), 'utf8'), 'app\n');
    assert.equal(readFileSync(join(into, 'dist/sub/deep.txt'), 'utf8'), 'deep\n');
  });

  test('artifacts:when decides whether a failed or successful job uploads', async () => {
    const paths = ['job.txt'];
    const failedOnSuccess = await run({
      script: ['exit 1'],
      artifacts: { paths, dotenv: null, when: 'on_success' },
    });
    assert.deepEqual(failedOnSuccess.io.uploads, []);
    const failedOnFailure = await run({
      script: ['exit 1'],
      artifacts: { paths, dotenv: null, when: 'on_failure' },
    });
    assert.equal(failedOnFailure.io.uploads.length, 1);
    assert.match(failedOnFailure.log, /Uploading artifacts for failed job/);
    const okOnFailure = await run({ artifacts: { paths, dotenv: null, when: 'on_failure' } });
    assert.deepEqual(okOnFailure.io.uploads, []);
    const okAlways = await run({ artifacts: { paths, dotenv: null, when: 'always' } });
    assert.equal(okAlways.io.uploads.length, 1);
  });

  test('the dotenv report becomes JobResult.dotenv; an invalid one fails the job', async () => {
    const good = await run({
      script: [
        'echo "DYNAMIC_URL=https://review-$CI_COMMIT_REF_SLUG.example.com" > deploy.env',
        'echo TAG=v1 >> deploy.env',
      ],
      variables: [variable('CI_COMMIT_REF_SLUG', 'main')],
      artifacts: { paths: [], dotenv: 'deploy.env', when: 'on_success' },
    });
    assert.deepEqual(good.result.dotenv, { DYNAMIC_URL: 'https://review-main.example.com', TAG: 'v1' });
    const bad = await run({
      script: ['echo "export X=1" > deploy.env'],
      artifacts: { paths: [], dotenv: 'deploy.env', when: 'on_success' },
    });
    assert.deepEqual(bad.result, {
      status: 'failed',
      exitCode: 0,
      failureReason: 'script_failure',
      dotenv: null,
    });
    assert.match(bad.log, /ERROR: dotenv report deploy.env is invalid: line 1: `export` is not supported/);
  });

  test('dependencies are downloaded into the workspace before the scripts run', async () => {
    const source = freshDir('dependency');
    writeFileSync(join(source, 'from-build.txt'), 'built by an earlier job\n');
    const archive = join(scratch.path, 'dependency.tar.gz');
    await createArtifactsArchive(source, ['from-build.txt'], archive);
    archives.set(5, archive);
    const { result, io, log } = await run({
      dependencies: [{ jobId: 5, name: 'build' }],
      beforeScript: ['cat from-build.txt'],
    });
    assert.equal(result.status, 'success', log);
    assert.deepEqual(io.downloads, [{ jobId: 5, name: 'build' }]);
    assert.match(log, /Downloading artifacts for build \(5\)\.\.\.\n/);
    assert.match(log, /^built by an earlier job$/m);
  });

  test('a failed dependency download is a runner system failure', async () => {
    const { result, log } = await run({
      dependencies: [{ jobId: 404, name: 'gone' }],
      script: ['echo SCRIPT-RAN'],
    });
    assert.equal(result.failureReason, 'runner_system_failure');
    assert.match(log, /downloading artifacts for gone \(404\) failed: no artifacts for job 404/);
    assert.doesNotMatch(log, /SCRIPT-RAN/);
  });
});
