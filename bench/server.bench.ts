/**
 * Server benchmarks: API list latency with many projects, git push → push event latency, and RSS.
 *
 * Starts the real `gantry serve` as a separate process on loopback (SQLite and/or a throwaway
 * PostgreSQL), drives it over HTTP with node's fetch and real `git`, and prints plain-text tables to
 * stdout; progress goes to stderr. It is not a test: goals are reported, never enforced (the exit
 * code is non-zero only when the benchmark itself could not run).
 *
 * Usage: node bench/server.bench.ts [--dialect sqlite|postgres|both] [--projects 1000]
 *                                   [--requests 2000] [--pushes 30] [--warmup 200] [--concurrency 4]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, readlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Dialect } from '../src/store/dialect.ts';
import { freePort } from '../test/support/free-port.ts';
import { apiRequest } from './support/api-request.ts';
import { benchDatabase } from './support/bench-database.ts';
import { runBench } from './support/bench-main.ts';
import { parseBenchArgs } from './support/bench-options.ts';
import { print, progress } from './support/bench-output.ts';
import { CleanupRegistry } from './support/cleanup-registry.ts';
import { describe } from './support/describe-error.ts';
import { basicAuth, type GitRepo, git, gitOk, gitScratch } from './support/git-client.ts';
import { type Summary, summarize } from './support/latency-summary.ts';
import { runConcurrently } from './support/run-concurrently.ts';
import { sleep } from './support/sleep.ts';
import { temporaryDirectory } from './support/temporary-directory.ts';
import { fixed, table } from './support/text-table.ts';

interface BenchOptions {
  dialects: Dialect[];
  projects: number;
  requests: number;
  pushes: number;
  warmup: number;
  concurrency: number;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'src', 'cli', 'main.ts');
// The flags bin/gantry gives the server, so the numbers are those of the server users run.
const SERVER_NODE_FLAGS = ['--max-semi-space-size=2'];
const ADMIN_TOKEN = `bench-admin-${randomBytes(12).toString('hex')}`;
const MEMBER_PROJECTS = 50;
const POLL_INTERVAL_MS = 2;
const IDLE_SETTLE_MS = 3000;
const READY_TIMEOUT_MS = 30_000;
const EVENT_TIMEOUT_MS = 30_000;
const IDLE_RSS_GOAL_MB = 150;
const LIST_P95_GOAL_MS = 25;

// ---------------------------------------------------------------------------------------------
// Options

const USAGE = `Usage: node bench/server.bench.ts [--dialect sqlite|postgres|both] [--projects N] [--requests N]
                                  [--pushes N] [--warmup N] [--concurrency N]

  --dialect      database to run against; "both" runs everything once per dialect (default sqlite)
  --projects     projects seeded through the API before measuring (default 1000)
  --requests     timed sequential requests per endpoint (default 2000)
  --pushes       timed git pushes in each of the three push runs (default 30)
  --warmup       untimed requests per endpoint before measuring (default 200)
  --concurrency  concurrent requests while seeding (default 4)`;

function parseOptions(argv: readonly string[]): BenchOptions {
  return parseBenchArgs(argv, USAGE, {
    projects: { default: 1000, min: 1, max: 100_000 },
    requests: { default: 2000, min: 1, max: 1_000_000 },
    pushes: { default: 30, min: 1, max: 10_000 },
    warmup: { default: 200, min: 0, max: 1_000_000 },
    concurrency: { default: 4, min: 1, max: 64 },
  });
}

// Every resource registers how to release it; released in reverse on success, error or signal (the
// server must be gone before its data directory is removed).
const cleanup = new CleanupRegistry();
cleanup.installProcessHandlers('stopping the server and removing temporary files');

const mb = (kb: number) => (kb / 1024).toFixed(1);

// ---------------------------------------------------------------------------------------------
// The server process

interface ServerProcess {
  pid: number;
  url: string;
  /** The last lines the server wrote (stdout and stderr), for error messages. */
  output(): string;
  stop(): Promise<void>;
}

async function startServer(dataDir: string, databaseUrl: string): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Node itself, not a shell wrapper, so the pid's /proc/<pid>/status is the server's memory.
  const child: ChildProcess = spawn(process.execPath, [...SERVER_NODE_FLAGS, CLI, 'serve'], {
    cwd: dataDir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dataDir,
      GANTRY_HOST: '127.0.0.1',
      GANTRY_PORT: String(port),
      GANTRY_DATA_DIR: dataDir,
      GANTRY_DATABASE_URL: databaseUrl,
      GANTRY_INITIAL_ADMIN_TOKEN: ADMIN_TOKEN,
      GANTRY_LOG_LEVEL: 'warn',
      GANTRY_MIRROR_INTERVAL: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-16_384);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((done) => {
    child.once('exit', () => {
      exited = true;
      done();
    });
    child.once('error', (error) => {
      tail += `\nspawn failed: ${error.message}`;
      exited = true;
      done();
    });
  });
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exit;
    clearTimeout(timer);
  };
  cleanup.defer('server process', stop, () => {
    if (!exited) child.kill('SIGKILL');
  });
  if (child.pid === undefined) {
    await exit;
    throw new Error(`could not start the server: ${tail}`);
  }
  const pid = child.pid;

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) throw new Error(`the server exited during startup:\n${tail}`);
    try {
      const response = await fetch(`${url}/readyz`);
      await response.arrayBuffer();
      if (response.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`no 200 from /readyz within ${READY_TIMEOUT_MS} ms:\n${tail}`);
    await sleep(25);
  }
  const exe = await readlink(`/proc/${pid}/exe`).catch(() => '?');
  const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ');
  if (!cmdline.includes('main.ts serve')) {
    throw new Error(`pid ${pid} is not the server process (exe ${exe}, cmdline "${cmdline}")`);
  }
  return { pid, url, output: () => tail, stop };
}

interface Memory {
  rssKb: number;
  peakKb: number;
}

async function memoryOf(pid: number): Promise<Memory> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (match?.[1] === undefined) throw new Error(`no ${name} in /proc/${pid}/status`);
    return Number(match[1]);
  };
  return { rssKb: field('VmRSS'), peakKb: field('VmHWM') };
}

// ---------------------------------------------------------------------------------------------
// API client

class Api {
  readonly url: string;

  constructor(url: string) {
    this.url = url;
  }

  /** Calls `/api/v1<path>` and returns the parsed JSON; throws unless the status is `expected`. */
  async call<T>(method: string, path: string, token: string, body?: unknown, expected = 200): Promise<T> {
    return (await apiRequest<T>(this.url, method, path, token, body, expected)).body;
  }

  /** One timed GET of `/api/v1<path>`, reading the whole body; throws on a non-200 answer. */
  async timedGet(path: string, token: string | null): Promise<number> {
    const started = performance.now();
    const response = await fetch(`${this.url}${path}`, {
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });
    const body = await response.arrayBuffer();
    const elapsed = performance.now() - started;
    if (response.status !== 200) {
      throw new Error(
        `GET ${path}: expected 200, got ${response.status}: ${Buffer.from(body).toString().slice(0, 300)}`,
      );
    }
    return elapsed;
  }
}

// ---------------------------------------------------------------------------------------------
// One benchmark run against one dialect

interface ProjectJson {
  id: number;
  http_url_to_repo: string;
}

interface LatencyRow {
  label: string;
  summary: Summary;
  isList: boolean;
}

interface PushRow {
  run: string;
  wall: Summary;
  visible: Summary;
  overhead: Summary;
  pollRtt: Summary;
}

interface MemoryRow {
  phase: string;
  memory: Memory;
  goal: boolean;
}

interface DialectResult {
  dialect: Dialect;
  database: string;
  seed: { seconds: number; perSecond: number; create: Summary };
  latency: LatencyRow[];
  pushes: PushRow[];
  memory: MemoryRow[];
}

async function benchmark(dialect: Dialect, options: BenchOptions): Promise<DialectResult> {
  const dataDir = (await temporaryDirectory(cleanup, 'gantry-bench-', 'data directory')).path;
  const database = await benchDatabase(dialect, dataDir, cleanup);

  progress(`${dialect}: starting gantry serve`);
  const server = await startServer(dataDir, database.url);
  const api = new Api(server.url);
  const memory: MemoryRow[] = [];

  try {
    // 3. Idle RSS of a fresh server, before any load.
    await sleep(IDLE_SETTLE_MS);
    memory.push({
      phase: `idle, ${IDLE_SETTLE_MS / 1000} s after /readyz (before seeding)`,
      memory: await memoryOf(server.pid),
      goal: true,
    });

    // Seeding through the API, a few requests at a time.
    progress(`${dialect}: seeding ${options.projects} projects`);
    const digits = Math.max(4, String(options.projects).length);
    const ids = new Array<number>(options.projects);
    const seedStarted = performance.now();
    const createDurations = await runConcurrently(options.projects, options.concurrency, async (i) => {
      const path = `bench/p${String(i + 1).padStart(digits, '0')}`;
      const project = await api.call<ProjectJson>('POST', '/projects', ADMIN_TOKEN, { path }, 201);
      ids[i] = project.id;
    });
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    // A non-admin member of some projects spread over the id range.
    const member = await api.call<{ id: number }>(
      'POST',
      '/users',
      ADMIN_TOKEN,
      { username: 'bench-member', password: 'bench-member-password' },
      201,
    );
    const memberToken = (
      await api.call<{ token: string }>(
        'POST',
        `/users/${member.id}/personal_access_tokens`,
        ADMIN_TOKEN,
        { name: 'bench', scopes: ['api'] },
        201,
      )
    ).token;
    const memberships = Math.min(MEMBER_PROJECTS, ids.length);
    const step = ids.length / memberships;
    await runConcurrently(memberships, options.concurrency, async (i) => {
      const id = ids[Math.floor(i * step)]!;
      await api.call(
        'POST',
        `/projects/${id}/members`,
        ADMIN_TOKEN,
        { user_id: member.id, access_level: 30 },
        201,
      );
    });

    memory.push({
      phase: `after seeding ${options.projects} projects + member`,
      memory: await memoryOf(server.pid),
      goal: false,
    });

    // 1. API latency, one endpoint after the other, sequential requests on a keep-alive connection.
    const deepPage = Math.max(1, Math.min(40, Math.ceil(ids.length / 20)));
    const middleId = ids[Math.floor(ids.length / 2)]!;
    const endpoints: Array<{ label: string; path: string; token: string | null; isList: boolean }> = [
      {
        label: 'GET /api/v1/projects (per_page=20)',
        path: '/api/v1/projects',
        token: ADMIN_TOKEN,
        isList: true,
      },
      {
        label: 'GET /api/v1/projects?per_page=100',
        path: '/api/v1/projects?per_page=100',
        token: ADMIN_TOKEN,
        isList: true,
      },
      {
        label: `GET /api/v1/projects?page=${deepPage}`,
        path: `/api/v1/projects?page=${deepPage}`,
        token: ADMIN_TOKEN,
        isList: true,
      },
      {
        label: `GET /api/v1/projects (member of ${memberships})`,
        path: '/api/v1/projects',
        token: memberToken,
        isList: true,
      },
      {
        label: 'GET /api/v1/projects/:id',
        path: `/api/v1/projects/${middleId}`,
        token: ADMIN_TOKEN,
        isList: false,
      },
      { label: 'GET /healthz (floor: no auth, no DB)', path: '/healthz', token: null, isList: false },
    ];
    const latency: LatencyRow[] = [];
    for (const endpoint of endpoints) {
      progress(`${dialect}: ${endpoint.label} × ${options.warmup} warm-up + ${options.requests}`);
      for (let i = 0; i < options.warmup; i++) await api.timedGet(endpoint.path, endpoint.token);
      const samples: number[] = [];
      for (let i = 0; i < options.requests; i++)
        samples.push(await api.timedGet(endpoint.path, endpoint.token));
      latency.push({ label: endpoint.label, summary: summarize(samples), isList: endpoint.isList });
      progress(`${dialect}: server VmRSS now ${mb((await memoryOf(server.pid)).rssKb)} MB`);
    }
    memory.push({
      phase: 'after API latency',
      memory: await memoryOf(server.pid),
      goal: false,
    });

    // 2. git push → push event.
    const pushes = await benchmarkPushes(dialect, api, options.pushes);
    memory.push({ phase: 'after git pushes', memory: await memoryOf(server.pid), goal: false });

    return {
      dialect,
      database: database.description,
      seed: {
        seconds: seedSeconds,
        perSecond: options.projects / seedSeconds,
        create: summarize(createDurations),
      },
      latency,
      pushes,
      memory,
    };
  } catch (error) {
    throw new Error(`${describe(error)}\n--- server output (tail) ---\n${server.output()}`);
  }
}

async function benchmarkPushes(dialect: Dialect, api: Api, pushes: number): Promise<PushRow[]> {
  const { dir: scratch, env } = await gitScratch(cleanup);

  const admin = await api.call<{ id: number }>('GET', '/user', ADMIN_TOKEN);
  const pat = (
    await api.call<{ token: string }>(
      'POST',
      `/users/${admin.id}/personal_access_tokens`,
      ADMIN_TOKEN,
      { name: 'bench-git', scopes: ['api'] },
      201,
    )
  ).token;
  // Polling while git runs competes with the push for the server's CPU, so one run polls only
  // after git has exited: its wall time is the undisturbed one.
  const kinds = [
    { run: 'token, polling during push', secret: pat, pollDuringPush: true },
    { run: 'token, polling after git exits', secret: pat, pollDuringPush: false },
    { run: 'initial admin token, polling during', secret: ADMIN_TOKEN, pollDuringPush: true },
  ];

  const rows: PushRow[] = [];
  for (const [index, kind] of kinds.entries()) {
    const project = await api.call<ProjectJson>(
      'POST',
      '/projects',
      ADMIN_TOKEN,
      { path: `bench/push-${index + 1}` },
      201,
    );
    const auth = basicAuth('admin', kind.secret);
    const repo: GitRepo = { dir: scratch, env };
    const dir = join(scratch, `push-${index + 1}`);
    await gitOk(repo, ['clone', '--quiet', project.http_url_to_repo, dir], auth);
    const work: GitRepo = { dir, env };
    await gitOk(work, ['config', 'user.name', 'Gantry Bench']);
    await gitOk(work, ['config', 'user.email', 'bench@gantry.invalid']);

    const commit = async (n: number) => {
      await writeFile(join(dir, 'bench.txt'), `push ${n}\n`);
      await gitOk(work, ['add', 'bench.txt']);
      await gitOk(work, ['commit', '--quiet', '-m', `bench push ${n}`]);
      return gitOk(work, ['rev-parse', 'HEAD']);
    };

    progress(`${dialect}: ${pushes} pushes (${kind.run})`);
    const wall: number[] = [];
    const visible: number[] = [];
    const overhead: number[] = [];
    const pollRtt: number[] = [];
    // Push 0 creates the branch and warms up; it is not measured.
    for (let n = 0; n <= pushes; n++) {
      const sha = await commit(n);
      let gitExit: number | undefined;
      let failure: string | undefined;
      const started = performance.now();
      const pushed = git(work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/main'], auth).then((result) => {
        gitExit = performance.now();
        if (result.code !== 0) failure = `git push failed (exit ${result.code}):\n${result.stderr}`;
      });
      if (!kind.pollDuringPush) await pushed;
      const seenAt = await waitForEvent(api, project.id, sha, pollRtt, () => failure).catch(
        (error: unknown) => {
          const state = gitExit === undefined ? 'was still running' : 'had exited';
          throw new Error(`push ${n} of ${kind.run}: ${describe(error)} (git push ${state})`);
        },
      );
      await pushed;
      if (failure !== undefined) throw new Error(failure);
      if (n === 0) {
        pollRtt.length = 0;
        continue;
      }
      const exitedAt = gitExit!;
      wall.push(exitedAt - started);
      visible.push(seenAt - started);
      overhead.push(seenAt - exitedAt);
    }
    rows.push({
      run: kind.run,
      wall: summarize(wall),
      visible: summarize(visible),
      overhead: summarize(overhead),
      pollRtt: summarize(pollRtt),
    });
  }
  return rows;
}

/**
 * Polls the project's newest push event every {@link POLL_INTERVAL_MS} (one request at a time)
 * until its `after` is `sha`; returns when the answer that showed it arrived.
 */
async function waitForEvent(
  api: Api,
  projectId: number,
  sha: string,
  rtts: number[],
  failed: () => string | undefined,
): Promise<number> {
  const deadline = performance.now() + EVENT_TIMEOUT_MS;
  const path = `${api.url}/api/v1/projects/${projectId}/events?per_page=1`;
  for (;;) {
    const started = performance.now();
    const response = await fetch(path, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const text = await response.text();
    const now = performance.now();
    rtts.push(now - started);
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${text.slice(0, 300)}`);
    const events = JSON.parse(text) as Array<{ after?: unknown }>;
    if (events[0]?.after === sha) return now;
    const why = failed();
    if (why !== undefined) throw new Error(why);
    if (now > deadline) {
      throw new Error(
        `no push event for ${sha} within ${EVENT_TIMEOUT_MS} ms; newest event: ${text.slice(0, 300)}`,
      );
    }
    await sleep(POLL_INTERVAL_MS);
  }
}

// ---------------------------------------------------------------------------------------------
// Reporting

function printResult(result: DialectResult, options: BenchOptions): void {
  const { dialect } = result;
  print(`=== dialect: ${dialect} (${result.database}) ===`);

  print(
    table(
      `[${dialect}] Seeding through POST /api/v1/projects (${options.concurrency} concurrent requests)`,
      [
        { header: 'projects', align: 'right' },
        { header: 'seconds', align: 'right' },
        { header: 'projects/s', align: 'right' },
        { header: 'create p50 ms', align: 'right' },
        { header: 'create p95 ms', align: 'right' },
        { header: 'create max ms', align: 'right' },
      ],
      [
        [
          String(result.seed.create.n),
          result.seed.seconds.toFixed(2),
          result.seed.perSecond.toFixed(1),
          fixed(result.seed.create.p50),
          fixed(result.seed.create.p95),
          fixed(result.seed.create.max),
        ],
      ],
    ),
  );

  const listP95 = Math.max(...result.latency.filter((row) => row.isList).map((row) => row.summary.p95));
  print(
    `${table(
      `[${dialect}] API latency, ${options.projects} projects, sequential keep-alive requests after ${options.warmup} warm-up each`,
      [
        { header: 'endpoint' },
        { header: 'n', align: 'right' },
        { header: 'p50 ms', align: 'right' },
        { header: 'p95 ms', align: 'right' },
        { header: 'p99 ms', align: 'right' },
        { header: 'max ms', align: 'right' },
      ],
      result.latency.map((row) => [
        row.label,
        String(row.summary.n),
        fixed(row.summary.p50),
        fixed(row.summary.p95),
        fixed(row.summary.p99),
        fixed(row.summary.max),
      ]),
    )}\ngoal (PRODUCT.md): list API p95 ≤ ${LIST_P95_GOAL_MS} ms per page; worst list p95 here ${fixed(listP95)} ms: ${
      listP95 <= LIST_P95_GOAL_MS ? 'pass' : 'FAIL'
    }`,
  );

  const pushRows = result.pushes.flatMap(
    (row) =>
      [
        [row.run, '(a) git push wall time', row.wall],
        ['', '(b) spawn → event visible', row.visible],
        ['', '(b − a) git exit → event visible', row.overhead],
      ] as const,
  );
  const rtt = result.pushes.map((row) => `${fixed(row.pollRtt.p50)} ms (${row.run})`).join(', ');
  print(
    `${table(
      `[${dialect}] git push → push event: git over HTTP with Basic admin:<secret>, one small commit per push`,
      [
        { header: 'run' },
        { header: 'measure' },
        { header: 'n', align: 'right' },
        { header: 'p50 ms', align: 'right' },
        { header: 'p95 ms', align: 'right' },
        { header: 'max ms', align: 'right' },
      ],
      pushRows.map(([run, measure, summary]) => [
        run,
        measure,
        String(summary.n),
        fixed(summary.p50, 1),
        fixed(summary.p95, 1),
        fixed(summary.max, 1),
      ]),
    )}
token = a personal access token (gty_…) of admin; initial admin token = GANTRY_INITIAL_ADMIN_TOKEN (no prefix)
resolution of (b): GET /projects/:id/events?per_page=1 polled ${POLL_INTERVAL_MS} ms after each answer; poll round trip p50: ${rtt}
(b − a) < 0: the event was visible before the git client process had exited`,
  );

  print(
    table(
      `[${dialect}] Server memory (/proc/<pid>/status of the node server process)`,
      [
        { header: 'phase' },
        { header: 'VmRSS MB', align: 'right' },
        { header: 'VmHWM (peak) MB', align: 'right' },
        { header: 'goal' },
        { header: 'result' },
      ],
      result.memory.map((row) => [
        row.phase,
        mb(row.memory.rssKb),
        mb(row.memory.peakKb),
        row.goal ? `idle ≤ ${IDLE_RSS_GOAL_MB} MB` : '-',
        row.goal ? (row.memory.rssKb / 1024 <= IDLE_RSS_GOAL_MB ? 'pass' : 'FAIL') : '-',
      ]),
    ),
  );
}

function comparisonRows(results: readonly DialectResult[]): string[][] {
  return [
    ['seeding, projects/s', ...results.map((r) => r.seed.perSecond.toFixed(1))],
    ...results[0]!.latency.map((row, i) => [
      `${row.label}, p95 ms`,
      ...results.map((r) => fixed(r.latency[i]?.summary.p95 ?? Number.NaN)),
    ]),
    ...results[0]!.pushes.flatMap((row, i) => [
      [`push (a) p50 ms (${row.run})`, ...results.map((r) => fixed(r.pushes[i]?.wall.p50 ?? Number.NaN, 1))],
      [
        `push (b) p50 ms (${row.run})`,
        ...results.map((r) => fixed(r.pushes[i]?.visible.p50 ?? Number.NaN, 1)),
      ],
    ]),
    ...results[0]!.memory.map((row, i) => [
      `RSS MB, ${row.phase}`,
      ...results.map((r) => mb(r.memory[i]?.memory.rssKb ?? Number.NaN)),
    ]),
  ];
}

// ---------------------------------------------------------------------------------------------

cleanup.exitAfter(
  runBench(
    cleanup,
    {
      usage: USAGE,
      parseOptions,
      nodeRuns: 'server and client',
      parameters: (options) =>
        `projects=${options.projects} requests=${options.requests} warmup=${options.warmup} pushes=${options.pushes} concurrency=${options.concurrency}`,
      run: benchmark,
      printResult,
      comparisonRows,
    },
    process.argv.slice(2),
  ),
);
