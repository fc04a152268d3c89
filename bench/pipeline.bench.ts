/**
 * Pipeline benchmarks: job ready → job started on a connected runner, many concurrent 3-job
 * pipelines, and log ingest of a job printing tens of megabytes.
 *
 * Runs the real server in this process (`startGantryServer`, no embedded runner at start, a
 * temporary data directory, SQLite and/or a throwaway PostgreSQL, loopback only) and connects
 * runners to it over its WebSocket exactly as `gantry runner` does: `RunnerAgent`s with an
 * instrumented in-process executor that succeeds at once, and the embedded runner with the real
 * shell executor. Times come from the server's event bus and from the executor's `run()` call.
 * Plain-text tables go to stdout, progress to stderr. It is not a test: goals are reported, never
 * enforced (the exit code is non-zero only when the benchmark itself could not run).
 *
 * Usage: node bench/pipeline.bench.ts [--dialect sqlite|postgres|both] [--jobs 300] [--shell-jobs 50]
 *                                     [--pipelines 500] [--real-pipelines 50] [--log-mb 50]
 *                                     [--log-runs 3] [--in-flight 32]
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { LogMasker } from '../src/domain/log-masker.ts';
import type { EventBus } from '../src/events/event-bus.ts';
import type { Executor } from '../src/runner/executor/job-executor.ts';
import { shellExecutor } from '../src/runner/executor/shell-executor.ts';
import type { JobResult } from '../src/runner/job-spec.ts';
import { RunnerAgent } from '../src/runner/runner-agent.ts';
import { startEmbeddedRunner } from '../src/server/embedded-runner.ts';
import type { GantryServer } from '../src/server/gantry-server.ts';
import { RunnerService } from '../src/services/runner-service.ts';
import type { Dialect } from '../src/store/dialect.ts';
import { apiRequest } from './support/api-request.ts';
import { runBench } from './support/bench-main.ts';
import { parseBenchArgs } from './support/bench-options.ts';
import { print, progress } from './support/bench-output.ts';
import { startBenchServer } from './support/bench-server.ts';
import { CleanupRegistry } from './support/cleanup-registry.ts';
import { basicAuth, gitOk, gitScratch } from './support/git-client.ts';
import { percentile, type Summary, summarize } from './support/latency-summary.ts';
import { runConcurrently } from './support/run-concurrently.ts';
import { sleep } from './support/sleep.ts';
import { fixed, table } from './support/text-table.ts';

interface BenchOptions {
  dialects: Dialect[];
  jobs: number;
  shellJobs: number;
  pipelines: number;
  realPipelines: number;
  logMb: number;
  logRuns: number;
  inFlight: number;
}

const ADMIN_TOKEN = `bench-admin-${randomBytes(12).toString('hex')}`;
/** Untimed one-job pipelines before each sequential latency run (JIT, caches, connections). */
const LATENCY_WARMUP = 10;
const SHELL_WARMUP = 2;
const BURST_CONCURRENCY = 4;
const INSTANT_CONCURRENCY = 8;
const REAL_CONCURRENCY = 2;
const LATENCY_P50_GOAL_MS = 20;
const LATENCY_P99_GOAL_MS = 100;
const PIPELINES_GOAL_S = 60;
const RSS_SAMPLE_MS = 20;
const MIB = 1024 * 1024;
/** The log job's payload: lines of 99 `x` and a newline. */
const LOG_LINE_BYTES = 100;
const LOG_LINE = 'x'.repeat(LOG_LINE_BYTES - 1);
const SUCCESS: JobResult = { status: 'success', exitCode: 0, failureReason: null, dotenv: null };

// ---------------------------------------------------------------------------------------------
// Options

const USAGE = `Usage: node bench/pipeline.bench.ts [--dialect sqlite|postgres|both] [--jobs N] [--shell-jobs N]
                                    [--pipelines N] [--real-pipelines N] [--log-mb N] [--log-runs N]
                                    [--in-flight N]

  --dialect         database to run against; "both" runs everything once per dialect (default sqlite)
  --jobs            timed one-job pipelines in the sequential and in the burst latency runs (default 300)
  --shell-jobs      timed one-job pipelines on the real shell executor, latency run (default 50)
  --pipelines       concurrent 3-job pipelines on the instant executor (default 500)
  --real-pipelines  concurrent 3-job pipelines on the embedded runner's shell executor (default 50)
  --log-mb          MiB the log job prints (default 50)
  --log-runs        runs of the log job per variant, interleaved; the median is reported (default 3)
  --in-flight       pipeline creation requests in flight at once (default 32)`;

function parseOptions(argv: readonly string[]): BenchOptions {
  return parseBenchArgs(argv, USAGE, {
    jobs: { default: 300, min: 1, max: 100_000 },
    shellJobs: { default: 50, min: 1, max: 10_000 },
    pipelines: { default: 500, min: 1, max: 100_000 },
    realPipelines: { default: 50, min: 1, max: 10_000 },
    logMb: { default: 50, min: 1, max: 4096 },
    logRuns: { default: 3, min: 1, max: 100 },
    inFlight: { default: 32, min: 1, max: 256 },
  });
}

// ---------------------------------------------------------------------------------------------
// Cleanup: every resource registers how to release it; released in reverse on success, error or
// signal (runners before the server, the server before its database and data directory). A
// resource may also be released early (a runner between two measurements).

const cleanup = new CleanupRegistry();
cleanup.installProcessHandlers('stopping runners and the server, removing temporary files');

// ---------------------------------------------------------------------------------------------
// Small helpers

const mbOf = (bytes: number) => (bytes / MIB).toFixed(1);

/** Resolves with `promise`'s value, or rejects with `message` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` every 5 ms until it is true; throws `message` after `ms`. */
async function until(check: () => boolean, ms: number, message: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(message);
    await sleep(5);
  }
}

interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

/**
 * Starts sampling this process's event-loop delay (the server's, since it runs here); the returned
 * function stops and reports it in ms. A delay means callbacks (HTTP, WebSocket, timers, database
 * results) waited for synchronous work to finish.
 */
function watchLoop(): () => LoopDelay {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return () => {
    histogram.disable();
    // The histogram includes the 10 ms sampling interval itself.
    const ms = (ns: number) => Math.max(0, ns / 1e6 - 10);
    return { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) };
  };
}

// ---------------------------------------------------------------------------------------------
// API client

class Api {
  readonly url: string;

  constructor(url: string) {
    this.url = url;
  }

  /** Calls `/api/v1<path>` as the admin; returns the parsed JSON; throws unless the status is `expected`. */
  async call<T>(method: string, path: string, body?: unknown, expected = 200): Promise<T> {
    return (await apiRequest<T>(this.url, method, path, ADMIN_TOKEN, body, expected)).body;
  }

  /** `x-total` of a paginated list. */
  async total(path: string): Promise<number> {
    const { headers } = await apiRequest<unknown>(this.url, 'GET', path, ADMIN_TOKEN, undefined, 200);
    return Number(headers.get('x-total'));
  }
}

interface ProjectJson {
  id: number;
  path: string;
  http_url_to_repo: string;
}

interface PipelineJson {
  id: number;
  status: string;
}

interface JobJson {
  id: number;
  name: string;
  status: string;
  started_at: string | null;
  finished_at: string | null;
  log_size: number;
  failure_reason: string | null;
}

// ---------------------------------------------------------------------------------------------
// What the server's event bus says, with performance.now() times

interface LogTrace {
  /** When the log first reached 1 MiB, and its size then (start of the steady-state window). */
  mibAt: number | null;
  mibSize: number;
  lastAt: number;
  size: number;
}

const FINISHED = new Set(['success', 'failed', 'canceled', 'skipped']);

/**
 * Subscribes to the bus: when each job became pending and running (its spec was sent: the
 * dispatcher publishes `running` right after the WebSocket send), when each pipeline finished and
 * how, and (while `watchLogs` is set) how each job's stored log grew. Listeners run synchronously
 * inside the server's publish calls, so these times are the server's own moments.
 */
class Tracker {
  readonly pendingAt = new Map<number, number>();
  readonly runningAt = new Map<number, number>();
  /** Pipeline id → ids of its jobs (as they became pending). */
  readonly jobsOf = new Map<number, number[]>();
  readonly pipelineDoneAt = new Map<number, number>();
  readonly logs = new Map<number, LogTrace>();
  watchLogs = false;
  readonly #status = new Map<number, string>();
  readonly #waiters = new Map<number, Array<(status: string) => void>>();
  readonly #off: Array<() => void> = [];

  constructor(bus: EventBus) {
    this.#off.push(
      bus.on('job', (event) => {
        const now = performance.now();
        if (event.status === 'pending') {
          this.pendingAt.set(event.id, now);
          const jobs = this.jobsOf.get(event.pipelineId) ?? [];
          if (!jobs.includes(event.id)) jobs.push(event.id);
          this.jobsOf.set(event.pipelineId, jobs);
        } else if (event.status === 'running') {
          this.runningAt.set(event.id, now);
        }
      }),
      bus.on('pipeline', (event) => {
        if (!FINISHED.has(event.status)) return;
        this.#status.set(event.id, event.status);
        this.pipelineDoneAt.set(event.id, performance.now());
        for (const waiter of this.#waiters.get(event.id) ?? []) waiter(event.status);
        this.#waiters.delete(event.id);
      }),
      bus.on('job-log', ({ jobId, size }) => {
        if (!this.watchLogs) return;
        const now = performance.now();
        const trace = this.logs.get(jobId) ?? { mibAt: null, mibSize: 0, lastAt: now, size: 0 };
        if (trace.mibAt === null && size >= MIB) {
          trace.mibAt = now;
          trace.mibSize = size;
        }
        trace.lastAt = now;
        trace.size = size;
        this.logs.set(jobId, trace);
      }),
    );
  }

  /** The pipeline's final status, or `unfinished` when it has none by `deadline` (performance.now()). */
  finished(pipelineId: number, deadline: number): Promise<string> {
    const known = this.#status.get(pipelineId);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((done) => {
      const timer = setTimeout(() => done('unfinished'), Math.max(0, deadline - performance.now()));
      const waiters = this.#waiters.get(pipelineId) ?? [];
      waiters.push((status) => {
        clearTimeout(timer);
        done(status);
      });
      this.#waiters.set(pipelineId, waiters);
    });
  }

  close(): void {
    for (const off of this.#off.splice(0)) off();
  }
}

// ---------------------------------------------------------------------------------------------
// The server, in this process

interface Bench {
  dialect: Dialect;
  database: string;
  server: GantryServer;
  api: Api;
  dataDir: string;
  tracker: Tracker;
}

async function startBench(dialect: Dialect): Promise<Bench> {
  const { server, database, dataDir } = await startBenchServer(dialect, cleanup, {
    adminToken: ADMIN_TOKEN,
    dataDirPrefix: 'gantry-bench-pipeline-',
  });
  const tracker = new Tracker(server.bus);
  cleanup.defer('event subscriptions', async () => tracker.close());
  return { dialect, database, server, api: new Api(server.url), dataDir, tracker };
}

// ---------------------------------------------------------------------------------------------
// Runners

/** Executors that note when `run()` was called, by job id. */
function instantExecutor(runAt: Map<number, number>): Executor {
  return {
    run(spec) {
      runAt.set(spec.id, performance.now());
      return Promise.resolve(SUCCESS);
    },
  };
}

function timedExecutor(inner: Executor, runAt: Map<number, number>): Executor {
  return {
    run(spec, io, signal) {
      runAt.set(spec.id, performance.now());
      return inner.run(spec, io, signal);
    },
  };
}

/** Waits until the dispatcher knows exactly `count` runner sessions. */
function sessionsAre(bench: Bench, count: number): Promise<void> {
  return until(
    () => bench.server.engine.dispatcher.sessions.size === count,
    15_000,
    `the dispatcher did not reach ${count} runner session(s) within 15 s`,
  );
}

/**
 * Registers a runner through the API and connects a `RunnerAgent` to the server's WebSocket, as
 * `gantry runner` does; returns a function that stops it (and waits until the server dropped it).
 */
async function connectRunner(
  bench: Bench,
  name: string,
  concurrency: number,
  executor: Executor,
): Promise<() => Promise<void>> {
  const { token } = await bench.api.call<{ token: string }>(
    'POST',
    '/runners',
    { description: name, run_untagged: true },
    201,
  );
  const agent = new RunnerAgent({
    url: bench.server.url,
    token,
    name,
    concurrency,
    executor,
    log: (line) => progress(`runner ${name}: ${line}`),
  });
  agent.start();
  const release = cleanup.defer(`runner ${name}`, async () => {
    await agent.stop(5_000);
    await sessionsAre(bench, 0);
  });
  await within(agent.waitUntilConnected(), 15_000, `runner ${name} did not connect within 15 s`);
  await sessionsAre(bench, 1);
  return release;
}

/** The embedded runner (real shell executor), started as `startGantryServer` starts it. */
async function connectEmbeddedRunner(bench: Bench, concurrency: number): Promise<() => Promise<void>> {
  const agent = await startEmbeddedRunner({
    runners: new RunnerService(bench.server.engine.runners),
    runnerRows: bench.server.engine.runners,
    url: bench.server.url,
    dataDir: bench.dataDir,
    concurrency,
    log: (line) => progress(`embedded runner: ${line}`),
  });
  const release = cleanup.defer('embedded runner', async () => {
    await agent.stop(5_000);
    await sessionsAre(bench, 0);
  });
  await sessionsAre(bench, 1);
  return release;
}

// ---------------------------------------------------------------------------------------------
// Projects and their pipeline files (pushed with real git over HTTP)

/** API-created pipelines only: the push that adds the file starts none. */
const WORKFLOW = `workflow:
  rules:
    - if: $CI_PIPELINE_SOURCE == "push"
      when: never
    - when: always
`;

const ONE_JOB = `${WORKFLOW}
job:
  script:
    - "true"
`;

const THREE_STAGES = `${WORKFLOW}
stages: [build, test, deploy]
build:
  stage: build
  script:
    - "true"
test:
  stage: test
  script:
    - "true"
deploy:
  stage: deploy
  script:
    - "true"
`;

const yamlQuote = (text: string) => `'${text.replaceAll("'", "''")}'`;

function logJob(lines: number): string {
  const awk = `awk -v n="$LOG_LINES" 'BEGIN { s = sprintf("%${LOG_LINE_BYTES - 1}s", ""); gsub(/ /, "x", s); for (i = 0; i < n; i++) print s }'`;
  return `${WORKFLOW}
variables:
  LOG_LINES: "${lines}"
print:
  script:
    - echo "secret is $BENCH_SECRET"
    - ${yamlQuote(awk)}
`;
}

interface Projects {
  latency: number;
  instant: number;
  real: number;
  logMasked: number;
  logPlain: number;
}

async function setUpProjects(bench: Bench, logLines: number, secret: string): Promise<Projects> {
  const {
    dir: scratch,
    env,
    release,
  } = await gitScratch(cleanup, {
    GIT_AUTHOR_NAME: 'Gantry Bench',
    GIT_AUTHOR_EMAIL: 'bench@gantry.invalid',
    GIT_COMMITTER_NAME: 'Gantry Bench',
    GIT_COMMITTER_EMAIL: 'bench@gantry.invalid',
  });
  const auth = basicAuth('admin', ADMIN_TOKEN);
  const git = (cwd: string, args: string[]) => gitOk({ dir: cwd, env }, args, auth);
  const project = async (path: string, pipelineFile: string): Promise<number> => {
    const created = await bench.api.call<ProjectJson>('POST', '/projects', { path }, 201);
    const lint = await bench.api.call<{ valid: boolean; errors: unknown[] }>(
      'POST',
      `/projects/${created.id}/ci/lint`,
      { content: pipelineFile },
    );
    if (!lint.valid) throw new Error(`${path}: the pipeline file is invalid: ${JSON.stringify(lint.errors)}`);
    const dir = join(scratch, path.replaceAll('/', '-'));
    await git(scratch, ['init', '--quiet', '--initial-branch=main', dir]);
    await writeFile(join(dir, '.gantry.yml'), pipelineFile);
    await git(dir, ['add', '.gantry.yml']);
    await git(dir, ['commit', '--quiet', '-m', 'pipeline file']);
    await git(dir, ['push', '--quiet', created.http_url_to_repo, 'HEAD:refs/heads/main']);
    return created.id;
  };
  progress(`${bench.dialect}: creating projects and pushing their .gantry.yml`);
  const projects: Projects = {
    latency: await project('bench/latency', ONE_JOB),
    instant: await project('bench/three-stage-instant', THREE_STAGES),
    real: await project('bench/three-stage-shell', THREE_STAGES),
    logMasked: await project('bench/log-masked', logJob(logLines)),
    logPlain: await project('bench/log-plain', logJob(logLines)),
  };
  await bench.api.call(
    'POST',
    `/projects/${projects.logMasked}/variables`,
    { key: 'BENCH_SECRET', value: secret, masked: true },
    201,
  );
  await release();
  return projects;
}

function createPipeline(bench: Bench, projectId: number): Promise<PipelineJson> {
  return bench.api.call<PipelineJson>('POST', `/projects/${projectId}/pipeline`, { ref: 'main' }, 201);
}

interface Created {
  ids: number[];
  failures: string[];
}

/** Creates `count` pipelines with at most `inFlight` requests at a time; failed requests are counted. */
async function createPipelines(
  bench: Bench,
  projectId: number,
  count: number,
  inFlight: number,
): Promise<Created> {
  const ids: number[] = [];
  const failures: string[] = [];
  await runConcurrently(count, inFlight, async () => {
    try {
      ids.push((await createPipeline(bench, projectId)).id);
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
  });
  return { ids, failures };
}

/** Cancels pipelines that did not finish in time, so the next measurement starts clean. */
async function cancelUnfinished(bench: Bench, projectId: number, ids: number[]): Promise<void> {
  for (const id of ids) {
    await bench.api.call('POST', `/projects/${projectId}/pipelines/${id}/cancel`).catch(() => undefined);
  }
  await sleep(1000);
}

// ---------------------------------------------------------------------------------------------
// 1. Job ready → job started

interface LatencyRun {
  label: string;
  runner: string;
  total: Summary;
  server: Summary;
  wire: Summary;
  /** Jobs without all three times, or pipelines that did not succeed. */
  errors: number;
  seconds: number;
  loop: LoopDelay;
  /** Burst only: how fast jobs started while pipelines were still being created, and after. */
  burst?: { createSeconds: number; during: number; duringRate: number; afterRate: number };
}

function latencySamples(
  tracker: Tracker,
  runAt: Map<number, number>,
  pipelineIds: readonly number[],
): { total: number[]; server: number[]; wire: number[]; missing: number } {
  const total: number[] = [];
  const server: number[] = [];
  const wire: number[] = [];
  let missing = 0;
  for (const pipelineId of pipelineIds) {
    for (const jobId of tracker.jobsOf.get(pipelineId) ?? []) {
      const pending = tracker.pendingAt.get(jobId);
      const running = tracker.runningAt.get(jobId);
      const run = runAt.get(jobId);
      if (pending === undefined || running === undefined || run === undefined) {
        missing++;
        continue;
      }
      total.push(run - pending);
      server.push(running - pending);
      wire.push(run - running);
    }
  }
  return { total, server, wire, missing };
}

/** One-job pipelines one after the other, each waited for, so the runner is idle when the job arrives. */
async function sequentialLatency(
  bench: Bench,
  projectId: number,
  runAt: Map<number, number>,
  warmup: number,
  count: number,
  label: string,
  runner: string,
): Promise<LatencyRun> {
  progress(`${bench.dialect}: ${label}: ${warmup} warm-up + ${count} sequential pipelines`);
  const measured: number[] = [];
  let failed = 0;
  const started = performance.now();
  const loop = watchLoop();
  for (let i = 0; i < warmup + count; i++) {
    if (cleanup.interrupted) throw new Error('interrupted');
    const pipeline = await createPipeline(bench, projectId);
    const status = await bench.tracker.finished(pipeline.id, performance.now() + 60_000);
    if (status === 'unfinished') await cancelUnfinished(bench, projectId, [pipeline.id]);
    if (i < warmup) continue;
    measured.push(pipeline.id);
    if (status !== 'success') failed++;
  }
  const seconds = (performance.now() - started) / 1000;
  const samples = latencySamples(bench.tracker, runAt, measured);
  return {
    label,
    runner,
    total: summarize(samples.total),
    server: summarize(samples.server),
    wire: summarize(samples.wire),
    errors: failed + samples.missing,
    seconds,
    loop: loop(),
  };
}

/** `count` one-job pipelines created at once (`inFlight` requests at a time). */
async function burstLatency(
  bench: Bench,
  projectId: number,
  runAt: Map<number, number>,
  count: number,
  inFlight: number,
  label: string,
  runner: string,
): Promise<LatencyRun> {
  progress(`${bench.dialect}: ${label}: ${count} pipelines created concurrently`);
  const started = performance.now();
  const loop = watchLoop();
  const created = await createPipelines(bench, projectId, count, inFlight);
  const createdAt = performance.now();
  const deadline = performance.now() + 120_000 + count * 200;
  const statuses = await Promise.all(created.ids.map((id) => bench.tracker.finished(id, deadline)));
  const delay = loop();
  const unfinished = created.ids.filter((_, i) => statuses[i] === 'unfinished');
  if (unfinished.length > 0) await cancelUnfinished(bench, projectId, unfinished);
  const seconds = (performance.now() - started) / 1000;
  const samples = latencySamples(bench.tracker, runAt, created.ids);
  const runs = created.ids.flatMap((id) =>
    (bench.tracker.jobsOf.get(id) ?? []).flatMap((job) => runAt.get(job) ?? []),
  );
  const during = runs.filter((at) => at <= createdAt).length;
  const lastRun = Math.max(createdAt, ...runs);
  return {
    label,
    runner,
    total: summarize(samples.total),
    server: summarize(samples.server),
    wire: summarize(samples.wire),
    errors: created.failures.length + statuses.filter((s) => s !== 'success').length + samples.missing,
    seconds,
    loop: delay,
    burst: {
      createSeconds: (createdAt - started) / 1000,
      during,
      duringRate: during / ((createdAt - started) / 1000),
      afterRate: lastRun > createdAt ? (runs.length - during) / ((lastRun - createdAt) / 1000) : Number.NaN,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 2. Many concurrent 3-job pipelines

interface ThroughputRun {
  variant: string;
  runner: string;
  pipelines: number;
  jobs: number;
  createSeconds: number;
  wallSeconds: number;
  errors: number;
  /** Pipelines the API lists as `success` afterwards, minus before. */
  apiSuccess: number;
  goal: boolean;
  loop: LoopDelay;
}

async function throughput(
  bench: Bench,
  projectId: number,
  count: number,
  inFlight: number,
  variant: string,
  runner: string,
  goal: boolean,
): Promise<ThroughputRun> {
  progress(
    `${bench.dialect}: ${variant}: ${count} pipelines × 3 jobs, ${inFlight} creation requests in flight`,
  );
  const successPath = `/projects/${projectId}/pipelines?status=success&per_page=1`;
  const before = await bench.api.total(successPath);
  const started = performance.now();
  const loop = watchLoop();
  const created = await createPipelines(bench, projectId, count, inFlight);
  const createdAt = performance.now();
  const deadline = performance.now() + 120_000 + count * 3 * 1000;
  const statuses = await Promise.all(created.ids.map((id) => bench.tracker.finished(id, deadline)));
  const delay = loop();
  const ends = created.ids.map((id) => bench.tracker.pipelineDoneAt.get(id) ?? performance.now());
  const end = Math.max(createdAt, ...ends);
  const unfinished = created.ids.filter((_, i) => statuses[i] === 'unfinished');
  if (unfinished.length > 0) await cancelUnfinished(bench, projectId, unfinished);
  for (const failure of created.failures.slice(0, 3)) progress(`pipeline creation failed: ${failure}`);
  const after = await bench.api.total(successPath);
  const jobs = created.ids.reduce((sum, id) => sum + (bench.tracker.jobsOf.get(id)?.length ?? 0), 0);
  return {
    variant,
    runner,
    pipelines: count,
    jobs,
    createSeconds: (createdAt - started) / 1000,
    wallSeconds: (end - started) / 1000,
    errors: created.failures.length + statuses.filter((s) => s !== 'success').length,
    apiSuccess: after - before,
    goal,
    loop: delay,
  };
}

// ---------------------------------------------------------------------------------------------
// 3. Log ingest

const MASKED_VARIANT = 'masked variable set';
const PLAIN_VARIANT = 'no masked variable';

interface LogRun {
  variant: string;
  run: number;
  payloadBytes: number;
  status: string;
  logSize: number;
  fileSize: number;
  /** Bus `running` event (spec sent) → the last append of the log stored on disk. */
  ingestSeconds: number;
  /** From the first MiB stored to the last byte: the streaming rate without the job's setup. */
  steadyMbPerSecond: number;
  /** started_at → finished_at as the API shows them (wall clock, ms resolution). */
  apiSeconds: number;
  rssBefore: number;
  rssPeak: number;
  rssAfter: number;
  payloadLines: number;
  expectedLines: number;
  maskedCount: number;
  secretLeaks: number;
}

async function logIngest(
  bench: Bench,
  projectId: number,
  variant: string,
  run: number,
  lines: number,
  secret: string,
): Promise<LogRun> {
  progress(`${bench.dialect}: log ingest run ${run} (${variant}): ${mbOf(lines * LOG_LINE_BYTES)} MiB`);
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, RSS_SAMPLE_MS);
  bench.tracker.watchLogs = true;
  let pipeline: PipelineJson;
  let status: string;
  try {
    pipeline = await createPipeline(bench, projectId);
    status = await bench.tracker.finished(pipeline.id, performance.now() + 600_000);
  } finally {
    clearInterval(sampler);
    bench.tracker.watchLogs = false;
  }
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  if (status === 'unfinished') await cancelUnfinished(bench, projectId, [pipeline.id]);
  await sleep(1000);
  const rssAfter = process.memoryUsage().rss;
  const [job] = await bench.api.call<JobJson[]>(
    'GET',
    `/projects/${projectId}/pipelines/${pipeline.id}/jobs`,
  );
  if (!job) throw new Error(`pipeline ${pipeline.id} has no job`);
  if (job.status !== 'success') progress(`log job ${job.id} ended ${job.status} (${job.failure_reason})`);
  const path = join(bench.dataDir, 'logs', `${job.id}.log`);
  const fileSize = await stat(path).then(
    (s) => s.size,
    () => 0,
  );
  const trace = bench.tracker.logs.get(job.id);
  const running = bench.tracker.runningAt.get(job.id);
  const ingestSeconds =
    trace === undefined || running === undefined ? Number.NaN : (trace.lastAt - running) / 1000;
  const steadyMbPerSecond =
    trace === undefined || trace.mibAt === null || trace.lastAt <= trace.mibAt
      ? Number.NaN
      : (trace.size - trace.mibSize) / MIB / ((trace.lastAt - trace.mibAt) / 1000);
  const apiSeconds =
    job.started_at === null || job.finished_at === null
      ? Number.NaN
      : (Date.parse(job.finished_at) - Date.parse(job.started_at)) / 1000;
  const content = await scanLog(path, secret);
  return {
    variant,
    run,
    payloadBytes: lines * LOG_LINE_BYTES,
    status: job.status,
    logSize: job.log_size,
    fileSize,
    ingestSeconds,
    steadyMbPerSecond,
    apiSeconds,
    rssBefore,
    rssPeak,
    rssAfter,
    payloadLines: content.payloadLines,
    expectedLines: lines,
    maskedCount: content.masked,
    secretLeaks: content.leaks,
  };
}

/** Counts the payload lines, `[MASKED]` and the secret in a stored log, reading it as a stream. */
async function scanLog(
  path: string,
  secret: string,
): Promise<{ payloadLines: number; masked: number; leaks: number }> {
  let payloadLines = 0;
  let masked = 0;
  let leaks = 0;
  let rest = '';
  const count = (line: string) => {
    if (line === LOG_LINE) {
      payloadLines++;
      return;
    }
    masked += line.split('[MASKED]').length - 1;
    leaks += line.split(secret).length - 1;
  };
  try {
    for await (const chunk of createReadStream(path, { encoding: 'latin1', highWaterMark: MIB })) {
      const lines = (rest + String(chunk)).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) count(line);
    }
  } catch {
    return { payloadLines: 0, masked: 0, leaks: 0 };
  }
  count(rest);
  return { payloadLines, masked, leaks };
}

interface MaskerRun {
  secrets: string;
  mbPerSecond: number;
}

/** The masker alone, as both the runner and the server run it: 64 KiB chunks of payload lines. */
function maskerThroughput(bytes: number, secret: string): MaskerRun[] {
  const chunkBytes = 64 * 1024;
  const chunk = Buffer.alloc(chunkBytes, `${LOG_LINE}\n`);
  const chunks = Math.ceil(bytes / chunkBytes);
  const jobToken = `gtj_${randomBytes(30).toString('base64url')}`;
  const variants = [
    { secrets: '1: CI_JOB_TOKEN (every job)', values: [jobToken] },
    { secrets: '2: CI_JOB_TOKEN + one masked variable', values: [jobToken, secret] },
    { secrets: '3: CI_JOB_TOKEN + two masked variables', values: [jobToken, secret, `${secret}-2`] },
  ];
  const pass = (values: string[], n: number) => {
    const masker = new LogMasker(values);
    for (let i = 0; i < n; i++) masker.push(chunk);
    masker.end();
  };
  for (const { values } of variants) pass(values, Math.min(chunks, 64));
  // Best of five interleaved rounds: a pass takes well under a second, so GC and other processes
  // on the machine make single passes noisy; the best one shows what the code can do.
  const best = variants.map(() => 0);
  for (let round = 0; round < 5; round++) {
    for (const [i, { values }] of variants.entries()) {
      const started = performance.now();
      pass(values, chunks);
      const rate = (chunks * chunkBytes) / MIB / ((performance.now() - started) / 1000);
      best[i] = Math.max(best[i] ?? 0, rate);
    }
  }
  return variants.map(({ secrets }, i) => ({ secrets, mbPerSecond: best[i] ?? Number.NaN }));
}

// ---------------------------------------------------------------------------------------------
// One benchmark run against one dialect

interface DialectResult {
  dialect: Dialect;
  database: string;
  latency: LatencyRun[];
  throughput: ThroughputRun[];
  logs: LogRun[];
  seconds: number;
}

async function benchmark(dialect: Dialect, options: BenchOptions): Promise<DialectResult> {
  const started = performance.now();
  const bench = await startBench(dialect);
  const lines = Math.floor((options.logMb * MIB) / LOG_LINE_BYTES);
  const secret = `bench-${randomBytes(12).toString('base64url')}`;
  const projects = await setUpProjects(bench, lines, secret);
  const runAt = new Map<number, number>();
  const latency: LatencyRun[] = [];
  const check = () => {
    if (cleanup.interrupted) throw new Error('interrupted');
  };

  // 1. Job ready → job started.
  let release = await connectRunner(bench, 'instant-1', 1, instantExecutor(runAt));
  latency.push(
    await sequentialLatency(
      bench,
      projects.latency,
      runAt,
      LATENCY_WARMUP,
      options.jobs,
      'sequential, idle runner',
      'instant executor, concurrency 1',
    ),
  );
  await release();
  check();
  release = await connectRunner(bench, 'instant-4', BURST_CONCURRENCY, instantExecutor(runAt));
  latency.push(
    await burstLatency(
      bench,
      projects.latency,
      runAt,
      options.jobs,
      options.inFlight,
      `burst: ${options.jobs} pipelines at once`,
      `instant executor, concurrency ${BURST_CONCURRENCY}`,
    ),
  );
  await release();
  check();
  const shell = shellExecutor({ workDir: join(bench.dataDir, 'builds') });
  release = await connectRunner(bench, 'shell-timed', 1, timedExecutor(shell, runAt));
  latency.push(
    await sequentialLatency(
      bench,
      projects.latency,
      runAt,
      SHELL_WARMUP,
      options.shellJobs,
      'sequential, idle runner',
      'shell executor (`true`), concurrency 1',
    ),
  );
  await release();
  check();

  // 2. Concurrent 3-job pipelines.
  const runs: ThroughputRun[] = [];
  release = await connectRunner(bench, 'instant-8', INSTANT_CONCURRENCY, instantExecutor(runAt));
  runs.push(
    await throughput(
      bench,
      projects.instant,
      options.pipelines,
      options.inFlight,
      '(a) scheduler: instant executor',
      `in-process agent, concurrency ${INSTANT_CONCURRENCY}`,
      true,
    ),
  );
  await release();
  check();
  release = await connectEmbeddedRunner(bench, REAL_CONCURRENCY);
  runs.push(
    await throughput(
      bench,
      projects.real,
      options.realPipelines,
      options.inFlight,
      '(b) real: shell executor (`true`)',
      `embedded runner, concurrency ${REAL_CONCURRENCY}`,
      false,
    ),
  );
  check();

  // 3. Log ingest, on the same embedded runner.
  const logs: LogRun[] = [];
  for (let run = 1; run <= options.logRuns; run++) {
    logs.push(await logIngest(bench, projects.logMasked, MASKED_VARIANT, run, lines, secret));
    logs.push(await logIngest(bench, projects.logPlain, PLAIN_VARIANT, run, lines, secret));
    check();
  }
  await release();

  return {
    dialect,
    database: bench.database,
    latency,
    throughput: runs,
    logs,
    seconds: (performance.now() - started) / 1000,
  };
}

// ---------------------------------------------------------------------------------------------
// Reporting

const passFail = (ok: boolean) => (ok ? 'pass' : 'FAIL');

function printResult(result: DialectResult, options: BenchOptions): void {
  const { dialect } = result;
  print(`=== dialect: ${dialect} (${result.database}) ===`);

  const rows = result.latency.flatMap((run) => {
    const goal = `${passFail(run.total.p50 <= LATENCY_P50_GOAL_MS)} / ${passFail(run.total.p99 <= LATENCY_P99_GOAL_MS)}`;
    const row = (measure: string, s: Summary, goalCell: string, errors: string) => [
      measure,
      String(s.n),
      fixed(s.p50),
      fixed(s.p95),
      fixed(s.p99),
      fixed(s.max),
      errors,
      goalCell,
    ];
    return [
      [`${run.label}; ${run.runner}`, '', '', '', '', '', '', ''],
      row('  pending → executor run() (total)', run.total, goal, String(run.errors)),
      row('    pending → spec sent (server)', run.server, '', ''),
      row('    spec sent → run() (WebSocket + agent)', run.wire, '', ''),
    ];
  });
  print(
    `${table(
      `[${dialect}] 1. Job ready → job started on a connected runner (ms, nearest-rank percentiles)`,
      [
        { header: 'run / measure' },
        { header: 'n', align: 'right' },
        { header: 'p50', align: 'right' },
        { header: 'p95', align: 'right' },
        { header: 'p99', align: 'right' },
        { header: 'max', align: 'right' },
        { header: 'errors', align: 'right' },
        { header: `goal p50 ≤ ${LATENCY_P50_GOAL_MS} / p99 ≤ ${LATENCY_P99_GOAL_MS}` },
      ],
      rows,
    )}
${result.latency
  .map(
    (run) =>
      `${run.label}; ${run.runner}: ${fixed(run.seconds, 1)} s, event-loop delay p50 / p99 / max ${fixed(run.loop.p50, 1)} / ${fixed(run.loop.p99, 1)} / ${fixed(run.loop.max, 1)} ms${
        run.burst === undefined
          ? ''
          : `\n  creating the pipelines took ${fixed(run.burst.createSeconds, 1)} s, meanwhile ${run.burst.during} jobs started (${fixed(run.burst.duringRate, 1)}/s); the rest started at ${fixed(run.burst.afterRate, 0)}/s after the last creation answered`
      }`,
  )
  .join('\n')}
pending   = the server's bus 'job' event with status pending (PipelineProcessor, right after the job row became pending)
spec sent = the bus 'job' event with status running, published by the dispatcher right after the WebSocket send
run()     = the runner's Executor.run() was called (same process; the agent received, parsed and set up the job)
included: rest of the pipeline processing and the dispatcher kick, listPending, the guarded claim (UPDATE … RETURNING),
  job token, spec build (pipeline, project, user, artifacts, job list, CI/CD variable resolution and decryption),
  opening the log file, JSON over the WebSocket, the agent's parse and LogMasker setup. Not included: the POST itself.
sequential: each pipeline waited for, so the runner is idle when its job arrives; burst: the jobs queue for ${BURST_CONCURRENCY} slots
  while pipelines are still being created (${options.inFlight} requests in flight), so this is queueing plus dispatch.
GitLab Runner polls every 3 s by default (mean wait ~1.5 s); the executor here is instrumented, the shell run is real.`,
  );

  print(
    `${table(
      `[${dialect}] 2. Concurrent 3-job pipelines (build → test → deploy), created through the API, ${options.inFlight} requests in flight`,
      [
        { header: 'variant' },
        { header: 'runner' },
        { header: 'pipelines', align: 'right' },
        { header: 'jobs', align: 'right' },
        { header: 'create s', align: 'right' },
        { header: 'wall s', align: 'right' },
        { header: 'jobs/s', align: 'right' },
        { header: 'errors', align: 'right' },
        { header: 'API success', align: 'right' },
        { header: 'loop delay p99/max ms', align: 'right' },
        { header: `goal all ok, ≤ ${PIPELINES_GOAL_S} s` },
      ],
      result.throughput.map((run) => [
        run.variant,
        run.runner,
        String(run.pipelines),
        String(run.jobs),
        fixed(run.createSeconds, 1),
        fixed(run.wallSeconds, 1),
        fixed(run.jobs / run.wallSeconds, 1),
        String(run.errors),
        String(run.apiSuccess),
        `${fixed(run.loop.p99, 0)} / ${fixed(run.loop.max, 0)}`,
        run.goal ? passFail(run.errors === 0 && run.wallSeconds <= PIPELINES_GOAL_S) : '- (smaller N)',
      ]),
    )}
wall s   = first creation request → the last pipeline's 'success' event; create s = until the last creation request answered
errors   = failed creation requests + pipelines that did not end 'success'; API success = new pipelines listed as success
loop delay = this process's event-loop delay (server, runners and client share it) while the run lasted
(a) measures the server: pipeline creation (git reads of .gantry.yml, planning), dispatch and completion; the executor does nothing
(b) every job really runs: a fresh workspace, git clone over HTTP with the job token, bash running \`true\`, workspace removal`,
  );

  const sanity = (run: LogRun) => {
    const masked = run.variant === MASKED_VARIANT ? 1 : 0;
    const ok =
      run.status === 'success' &&
      run.fileSize === run.logSize &&
      run.payloadLines === run.expectedLines &&
      run.secretLeaks === 0 &&
      run.maskedCount === masked;
    return ok
      ? `ok (${run.payloadLines} lines, [MASKED] ×${run.maskedCount})`
      : `FAIL: file ${run.fileSize} vs log_size ${run.logSize}, lines ${run.payloadLines}/${run.expectedLines}, [MASKED] ×${run.maskedCount} (want ${masked}), leaks ${run.secretLeaks}`;
  };
  const payload = result.logs[0]?.payloadBytes ?? 0;
  print(
    `${table(
      `[${dialect}] 3. Log ingest: one shell job printing ${mbOf(payload)} MiB (${payload} bytes, lines of ${LOG_LINE_BYTES}) on the embedded runner, each run`,
      [
        { header: 'variant' },
        { header: 'run', align: 'right' },
        { header: 'stored bytes', align: 'right' },
        { header: 'headers', align: 'right' },
        { header: 'started → stored s', align: 'right' },
        { header: 'MiB/s', align: 'right' },
        { header: 'steady MiB/s', align: 'right' },
        { header: 'API s', align: 'right' },
        { header: 'RSS before / peak / after MiB', align: 'right' },
        { header: 'sanity' },
      ],
      result.logs.map((run) => [
        run.variant,
        String(run.run),
        String(run.logSize),
        String(run.logSize - run.payloadBytes),
        fixed(run.ingestSeconds),
        fixed(run.payloadBytes / MIB / run.ingestSeconds, 1),
        fixed(run.steadyMbPerSecond, 1),
        fixed(run.apiSeconds, 2),
        `${mbOf(run.rssBefore)} / ${mbOf(run.rssPeak)} / ${mbOf(run.rssAfter)}`,
        sanity(run),
      ]),
    )}
started → stored = the dispatcher sent the spec → the last append of the log on disk (includes workspace, git clone, bash start)
MiB/s = payload MiB / that time; steady = bytes stored after the first MiB / time from the first MiB to the last byte
API s = the job's finished_at − started_at; headers = stored bytes − payload (runner banner, sections, command echoes)
sanity: the file in <data dir>/logs equals the API's log_size, every payload line is intact, and the job's
  \`echo "secret is $BENCH_SECRET"\` left exactly one [MASKED] (masked variant) and the secret nowhere
RSS = process.memoryUsage().rss of this one process: server + embedded runner + benchmark (the job's bash and awk are not
  counted), before the job, peak sampled every ${RSS_SAMPLE_MS} ms while it ran, and 1 s after; ru_maxrss of the whole run so far: ${mbOf(process.resourceUsage().maxRSS * 1024)} MiB`,
  );

  print(
    `${table(
      `[${dialect}] 3 (summary). Log ingest, median of ${options.logRuns} run(s) per variant, interleaved`,
      [
        { header: 'variant' },
        { header: 'MiB/s (min–max)', align: 'right' },
        { header: 'steady MiB/s', align: 'right' },
        { header: 'started → stored s', align: 'right' },
        { header: 'peak − before RSS MiB (max)', align: 'right' },
        { header: 'sanity' },
      ],
      [MASKED_VARIANT, PLAIN_VARIANT].map((variant) => {
        const summary = logSummary(result.logs, variant);
        return [
          variant,
          `${fixed(summary.rate, 1)} (${fixed(summary.minRate, 1)}–${fixed(summary.maxRate, 1)})`,
          fixed(summary.steady, 1),
          fixed(summary.seconds),
          mbOf(summary.rssGrowth),
          summary.runs.every((run) => sanity(run).startsWith('ok')) ? 'all ok' : 'FAIL (see above)',
        ];
      }),
    )}
masking runs twice (runner before sending, server before storing); CI_JOB_TOKEN is always masked, so "no masked variable"
  still masks one value: the rows differ by one more masked value, not masking on/off (see the LogMasker table)`,
  );
}

interface LogSummary {
  runs: LogRun[];
  rate: number;
  minRate: number;
  maxRate: number;
  steady: number;
  seconds: number;
  rssGrowth: number;
}

function logSummary(logs: readonly LogRun[], variant: string): LogSummary {
  const runs = logs.filter((run) => run.variant === variant);
  const median = (values: number[]) =>
    percentile(
      values.sort((a, b) => a - b),
      50,
    );
  const rates = runs.map((run) => run.payloadBytes / MIB / run.ingestSeconds);
  return {
    runs,
    rate: median([...rates]),
    minRate: Math.min(...rates),
    maxRate: Math.max(...rates),
    steady: median(runs.map((run) => run.steadyMbPerSecond)),
    seconds: median(runs.map((run) => run.ingestSeconds)),
    rssGrowth: Math.max(...runs.map((run) => run.rssPeak - run.rssBefore)),
  };
}

function printMasker(runs: MaskerRun[], bytes: number): void {
  print(
    `${table(
      `LogMasker alone: ${mbOf(bytes)} MiB in 64 KiB chunks of payload lines, no matches, best of 5 interleaved passes (it runs once on the runner and once on the server)`,
      [{ header: 'secrets masked' }, { header: 'MiB/s', align: 'right' }],
      runs.map((run) => [run.secrets, fixed(run.mbPerSecond, 0)]),
    )}`,
  );
}

function comparisonRows(results: readonly DialectResult[]): string[][] {
  const first = results[0]!;
  return [
    ...first.latency.map((run, i) => [
      `latency p50 / p99 ms, ${run.label}; ${run.runner}`,
      ...results.map((r) => {
        const s = r.latency[i]?.total;
        return s === undefined ? '-' : `${fixed(s.p50)} / ${fixed(s.p99)}`;
      }),
    ]),
    ...first.throughput.map((run, i) => [
      `wall s (jobs/s, errors), ${run.variant}, ${run.pipelines} pipelines`,
      ...results.map((r) => {
        const t = r.throughput[i];
        return t === undefined
          ? '-'
          : `${fixed(t.wallSeconds, 1)} (${fixed(t.jobs / t.wallSeconds, 1)}, ${t.errors})`;
      }),
    ]),
    ...[MASKED_VARIANT, PLAIN_VARIANT].map((variant) => [
      `log ingest MiB/s median (steady), ${variant}`,
      ...results.map((r) => {
        const summary = logSummary(r.logs, variant);
        return `${fixed(summary.rate, 1)} (${fixed(summary.steady, 1)})`;
      }),
    ]),
    ['run took, s', ...results.map((r) => fixed(r.seconds, 1))],
  ];
}

// ---------------------------------------------------------------------------------------------

cleanup.exitAfter(
  runBench(
    cleanup,
    {
      usage: USAGE,
      parseOptions,
      nodeRuns: 'server, runners and client in one process',
      parameters: (options) =>
        `jobs=${options.jobs} shell-jobs=${options.shellJobs} pipelines=${options.pipelines} real-pipelines=${options.realPipelines} log-mb=${options.logMb} log-runs=${options.logRuns} in-flight=${options.inFlight}`,
      run: benchmark,
      printResult,
      runSeconds: (result) => result.seconds,
      afterRuns(options) {
        const bytes = Math.floor((options.logMb * MIB) / LOG_LINE_BYTES) * LOG_LINE_BYTES;
        printMasker(maskerThroughput(bytes, `bench-${randomBytes(12).toString('base64url')}`), bytes);
      },
      comparisonRows,
    },
    process.argv.slice(2),
  ),
);
