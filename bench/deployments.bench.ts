/**
 * Deployments benchmark: the environments list page, the deployment history page and the
 * what-runs-where matrix with 1,000 environments and 100,000 deployments seeded.
 *
 * Runs the real server in this process (`startGantryServer`, no runner, a temporary data directory,
 * SQLite and/or a throwaway PostgreSQL, loopback only). Projects and users are created through the
 * API; environments and deployments are inserted straight into its database (batched, one
 * transaction per batch), as pipelines would have left them. Then each endpoint gets sequential
 * keep-alive GET requests with the admin's token. Plain-text tables go to stdout, progress to
 * stderr. It is not a test: goals are reported, never enforced (the exit code is non-zero only when
 * the benchmark itself could not run).
 *
 * Usage: node bench/deployments.bench.ts [--dialect sqlite|postgres|both] [--projects 50]
 *                                        [--environments 1000] [--deployments 100000]
 *                                        [--requests 1000] [--warmup 100] [--batch 1000]
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type Insertable, sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { resolveServerConfig } from '../src/config/server-config.ts';
import { environmentSlug } from '../src/domain/environment-slug.ts';
import { guessTier } from '../src/domain/environment-tier.ts';
import { type GantryServer, startGantryServer } from '../src/server/gantry-server.ts';
import type { Dialect } from '../src/store/dialect.ts';
import type { DeploymentsTable } from '../src/store/schema.ts';
import { freePort } from '../test/support/free-port.ts';
import { apiRequest } from './support/api-request.ts';
import { benchDatabase } from './support/bench-database.ts';
import { runBench } from './support/bench-main.ts';
import { parseBenchArgs } from './support/bench-options.ts';
import { print, progress } from './support/bench-output.ts';
import { CleanupRegistry } from './support/cleanup-registry.ts';
import { type DeploymentSeedPlan, planDeploymentSeed, seededRandom } from './support/deployment-seed-plan.ts';
import { type Summary, summarize } from './support/latency-summary.ts';
import { sleep } from './support/sleep.ts';
import { temporaryDirectory } from './support/temporary-directory.ts';
import { fixed, table } from './support/text-table.ts';

interface BenchOptions {
  dialects: Dialect[];
  projects: number;
  environments: number;
  deployments: number;
  requests: number;
  warmup: number;
  batch: number;
}

const ADMIN_TOKEN = `bench-admin-${randomBytes(12).toString('hex')}`;
const USERS = 5;
const MEMBER_PROJECTS = 10;
const P95_GOAL_MS = 25;
const DAY_MS = 24 * 60 * 60 * 1000;

const USAGE = `Usage: node bench/deployments.bench.ts [--dialect sqlite|postgres|both] [--projects N]
                                       [--environments N] [--deployments N] [--requests N]
                                       [--warmup N] [--batch N]

  --dialect       database to run against; "both" runs everything once per dialect (default sqlite)
  --projects      projects the environments are spread over (default 50)
  --environments  environments seeded (default 1000)
  --deployments   deployments seeded (default 100000)
  --requests      timed sequential requests per endpoint (default 1000)
  --warmup        untimed requests per endpoint before measuring (default 100)
  --batch         rows per INSERT while seeding, one transaction each (default 1000)`;

function parseOptions(argv: readonly string[]): BenchOptions {
  const options = parseBenchArgs(argv, USAGE, {
    projects: { default: 50, min: 1, max: 10_000 },
    environments: { default: 1000, min: 1, max: 1_000_000 },
    deployments: { default: 100_000, min: 1, max: 10_000_000 },
    requests: { default: 1000, min: 1, max: 1_000_000 },
    warmup: { default: 100, min: 0, max: 1_000_000 },
    batch: { default: 1000, min: 1, max: 1500 },
  });
  if (options.environments < options.projects) {
    throw new Error('--environments must be at least --projects (every project gets one)');
  }
  return options;
}

const cleanup = new CleanupRegistry();
cleanup.installProcessHandlers('stopping the server and removing temporary files');

// ---------------------------------------------------------------------------------------------
// The server and its API

async function startServer(dialect: Dialect): Promise<{ server: GantryServer; database: string }> {
  const dataDir = (await temporaryDirectory(cleanup, 'gantry-bench-deployments-', 'data directory')).path;
  const database = await benchDatabase(dialect, dataDir, cleanup, (adminUrl, databaseUrl) =>
    connectionsGone(adminUrl, new URL(databaseUrl).pathname.slice(1)),
  );
  const config = resolveServerConfig(
    {},
    {
      GANTRY_HOST: '127.0.0.1',
      GANTRY_PORT: String(await freePort()),
      GANTRY_DATA_DIR: dataDir,
      GANTRY_DATABASE_URL: database.url,
      GANTRY_INITIAL_ADMIN_TOKEN: ADMIN_TOKEN,
      GANTRY_MIRROR_INTERVAL: '0',
      GANTRY_RUNNER_CONCURRENCY: '0',
    },
    dataDir,
  );
  progress(`${dialect}: starting the server in this process`);
  const server = await startGantryServer(config, {
    announce: () => {},
    // Silent like the tests; GANTRY_BENCH_LOG=warn shows what the server logs.
    logger: pino({ level: process.env.GANTRY_BENCH_LOG ?? 'silent' }, pino.destination(2)),
  });
  cleanup.defer('server', () => server.close());
  return { server, database: database.description };
}

/** Waits (up to 5 s) until the server's pool has closed its PostgreSQL sessions. */
async function connectionsGone(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const deadline = performance.now() + 5_000;
    while (performance.now() < deadline) {
      const result = await client.query<{ n: number }>(
        'select count(*)::int as n from pg_stat_activity where datname = $1',
        [database],
      );
      if ((result.rows[0]?.n ?? 0) === 0) return;
      await sleep(20);
    }
    progress(`connections to ${database} were still open after 5 s; stopping PostgreSQL anyway`);
  } finally {
    await client.end();
  }
}

class Api {
  readonly url: string;

  constructor(url: string) {
    this.url = url;
  }

  async call<T>(method: string, path: string, token: string, body?: unknown, expected = 200): Promise<T> {
    return (await apiRequest<T>(this.url, method, path, token, body, expected)).body;
  }

  /** The status of one GET of `/api/v1<path>` as the admin (to probe whether a route exists). */
  async status(path: string): Promise<number> {
    const response = await fetch(`${this.url}/api/v1${path}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** One timed GET of `/api/v1<path>`, reading the whole body; throws on a non-200 answer. */
  async timedGet(path: string, token: string): Promise<number> {
    const started = performance.now();
    const response = await fetch(`${this.url}/api/v1${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = await response.arrayBuffer();
    const elapsed = performance.now() - started;
    if (response.status !== 200) {
      throw new Error(`GET ${path}: ${response.status} ${Buffer.from(body).toString('utf8').slice(0, 300)}`);
    }
    return elapsed;
  }
}

// ---------------------------------------------------------------------------------------------
// Seeding

interface Seeded {
  projectIds: number[];
  /** Environment ids, by index in the plan. */
  environmentIds: number[];
  memberToken: string;
  seconds: { api: number; environments: number; deployments: number; pointers: number };
}

async function seed(
  server: GantryServer,
  api: Api,
  plan: DeploymentSeedPlan,
  options: BenchOptions,
): Promise<Seeded> {
  const db = server.store.db;
  const apiStarted = performance.now();
  progress(`seeding ${options.projects} projects and ${USERS} users through the API`);
  const projectIds: number[] = [];
  const digits = Math.max(3, String(options.projects).length);
  for (let i = 0; i < options.projects; i++) {
    const path = `bench/app-${String(i + 1).padStart(digits, '0')}`;
    projectIds.push((await api.call<{ id: number }>('POST', '/projects', ADMIN_TOKEN, { path }, 201)).id);
  }
  const userIds: number[] = [];
  for (let i = 0; i < USERS; i++) {
    const user = await api.call<{ id: number }>(
      'POST',
      '/users',
      ADMIN_TOKEN,
      { username: `deployer-${i + 1}`, name: `Deployer ${i + 1}`, password: `bench-password-${i}` },
      201,
    );
    userIds.push(user.id);
  }
  // The first deployer is a developer in a few projects: the matrix as a non-admin.
  const memberships = Math.min(MEMBER_PROJECTS, projectIds.length);
  for (let i = 0; i < memberships; i++) {
    const id = projectIds[Math.floor((i * projectIds.length) / memberships)]!;
    await api.call(
      'POST',
      `/projects/${id}/members`,
      ADMIN_TOKEN,
      { user_id: userIds[0], access_level: 30 },
      201,
    );
  }
  const memberToken = (
    await api.call<{ token: string }>(
      'POST',
      `/users/${userIds[0]}/personal_access_tokens`,
      ADMIN_TOKEN,
      { name: 'bench', scopes: ['read_api'] },
      201,
    )
  ).token;
  const apiSeconds = (performance.now() - apiStarted) / 1000;

  const seedEpoch = Date.now() - 365 * DAY_MS;
  const environmentsStarted = performance.now();
  progress(`inserting ${plan.environments.length} environments`);
  const environmentIds: number[] = [];
  const created = new Date(seedEpoch).toISOString();
  for (let from = 0; from < plan.environments.length; from += options.batch) {
    const rows = plan.environments.slice(from, from + options.batch).map((environment) => ({
      project_id: projectIds[environment.project]!,
      name: environment.name,
      slug: environmentSlug(environment.name),
      tier: guessTier(environment.name),
      external_url: `https://${environmentSlug(environment.name)}.app-${environment.project + 1}.example.com`,
      state: environment.stopped ? 'stopped' : 'available',
      kubernetes_namespace: null,
      auto_stop_at: null,
      last_deployment_id: null,
      last_success_deployment_id: null,
      created_at: created,
      updated_at: created,
    }));
    const inserted = await db
      .transaction()
      .execute((trx) => trx.insertInto('environments').values(rows).returning('id').execute());
    environmentIds.push(...inserted.map((row) => row.id));
  }
  const environmentsSeconds = (performance.now() - environmentsStarted) / 1000;

  const deploymentsStarted = performance.now();
  progress(`inserting ${plan.order.length} deployments, ${options.batch} per transaction`);
  const random = seededRandom(7);
  const iids = new Map<number, number>();
  const span = Date.now() - seedEpoch - DAY_MS;
  const runningEvery = 50;
  let reported = 0;
  for (let from = 0; from < plan.order.length; from += options.batch) {
    const rows: Array<Insertable<DeploymentsTable>> = [];
    for (let position = from; position < Math.min(plan.order.length, from + options.batch); position++) {
      const index = plan.order[position]!;
      const environment = plan.environments[index]!;
      const projectId = projectIds[environment.project]!;
      const iid = (iids.get(projectId) ?? 0) + 1;
      iids.set(projectId, iid);
      const last = plan.lastOf[index] === position;
      let status = pickStatus(random());
      let action = 'start';
      if (last && environment.stopped) {
        // A stopped review app's last deployment is its stop.
        status = 'success';
        action = 'stop';
      } else if (last && index % runningEvery === 0) {
        status = 'running';
      }
      const at = seedEpoch + Math.floor((span * position) / plan.order.length);
      rows.push(
        deploymentRow({
          projectId,
          environmentId: environmentIds[index]!,
          environmentName: environment.name,
          iid,
          status,
          action,
          at,
          userId: random() < 0.05 ? null : userIds[Math.floor(random() * userIds.length)]!,
          random,
        }),
      );
    }
    await db.transaction().execute((trx) => trx.insertInto('deployments').values(rows).execute());
    if (from + options.batch - reported >= 20_000) {
      reported = from + options.batch;
      progress(`  ${Math.min(reported, plan.order.length)} deployments`);
    }
  }
  // Later deployments made through the server number on from the seeded ones.
  for (const [projectId, last] of iids) {
    await db
      .insertInto('internal_ids')
      .values({ project_id: projectId, usage: 'deployments', last_value: last })
      .execute();
  }
  const deploymentsSeconds = (performance.now() - deploymentsStarted) / 1000;

  const pointersStarted = performance.now();
  progress('pointing environments at their last and last successful deployments');
  await db
    .updateTable('environments')
    .set((eb) => ({
      last_deployment_id: eb
        .selectFrom('deployments')
        .select((d) => d.fn.max('deployments.id').as('id'))
        .whereRef('deployments.environment_id', '=', 'environments.id'),
      last_success_deployment_id: eb
        .selectFrom('deployments')
        .select((d) => d.fn.max('deployments.id').as('id'))
        .whereRef('deployments.environment_id', '=', 'environments.id')
        .where('deployments.status', '=', 'success')
        .where('deployments.action', '=', 'start'),
      updated_at: eb
        .selectFrom('deployments')
        .select((d) => d.fn.max('deployments.updated_at').as('at'))
        .whereRef('deployments.environment_id', '=', 'environments.id'),
    }))
    .execute();
  // PostgreSQL's autovacuum would analyze the new rows on its own, some time later; do it now so
  // every run measures the same plans. SQLite has no background statistics and Gantry never runs
  // ANALYZE there, so it is left as a server would have it.
  if (server.store.dialect === 'postgres') await sql`analyze`.execute(db);
  const pointersSeconds = (performance.now() - pointersStarted) / 1000;

  return {
    projectIds,
    environmentIds,
    memberToken,
    seconds: {
      api: apiSeconds,
      environments: environmentsSeconds,
      deployments: deploymentsSeconds,
      pointers: pointersSeconds,
    },
  };
}

function pickStatus(r: number): string {
  if (r < 0.9) return 'success';
  if (r < 0.96) return 'failed';
  if (r < 0.98) return 'canceled';
  return 'skipped';
}

function hex(random: () => number, length: number): string {
  let out = '';
  while (out.length < length)
    out += Math.floor(random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, length);
}

/** One deployment row as a pipeline's deploy job leaves it, with a snapshot of realistic size. */
function deploymentRow(d: {
  projectId: number;
  environmentId: number;
  environmentName: string;
  iid: number;
  status: string;
  action: string;
  at: number;
  userId: number | null;
  random: () => number;
}): Insertable<DeploymentsTable> {
  const sha = hex(d.random, 40);
  const review = d.environmentName.startsWith('review/');
  const tag = d.environmentName === 'production' && d.iid % 10 === 0;
  const ref = review ? d.environmentName.replace('review/', '') : tag ? `v1.${d.iid}` : 'main';
  const created = new Date(d.at).toISOString();
  const finished =
    d.status === 'running' ? null : new Date(d.at + 60_000 + Math.floor(d.random() * 240_000)).toISOString();
  const snapshot = {
    kind: 'script',
    sha,
    ref,
    tag,
    pipelineId: null,
    jobId: null,
    jobName: d.action === 'stop' ? 'stop_review' : 'deploy',
    definition: {
      stage: 'deploy',
      script: [`./deploy.sh "${d.environmentName}" "${sha.slice(0, 8)}"`],
      environment: { name: d.environmentName, action: d.action },
    },
    variablesVersion: hex(d.random, 16),
  };
  return {
    project_id: d.projectId,
    iid: d.iid,
    environment_id: d.environmentId,
    sha,
    ref,
    tag: tag ? 1 : 0,
    user_id: d.userId,
    status: d.status,
    action: d.action,
    job_id: null,
    pipeline_id: null,
    deployable_name: snapshot.jobName,
    snapshot: JSON.stringify(snapshot),
    rollback_of: null,
    external_state: null,
    freeze_override_reason: null,
    freeze_override_by: null,
    created_at: created,
    updated_at: finished ?? created,
    finished_at: finished,
  };
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface Endpoint {
  label: string;
  path: string;
  token: string;
  /** Compared with the p95 goal. */
  goal: boolean;
}

interface LatencyRow {
  label: string;
  path: string;
  summary: Summary;
  goal: boolean;
}

interface DialectResult {
  dialect: Dialect;
  database: string;
  seeded: Seeded;
  counts: { environments: number; deployments: number; historyEnvironment: number };
  latency: LatencyRow[];
  notes: string[];
}

async function benchmark(dialect: Dialect, options: BenchOptions): Promise<DialectResult> {
  const plan = planDeploymentSeed({
    projects: options.projects,
    environments: options.environments,
    deployments: options.deployments,
  });
  const { server, database } = await startServer(dialect);
  const api = new Api(server.url);
  const seeded = await seed(server, api, plan, options);
  const db = server.store.db;
  const count = async (table: 'environments' | 'deployments') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select(sql<number>`cast(count(*) as integer)`.as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  // The project in the middle, its production environment (the most deployed to) and a review app.
  const projectIndex = Math.floor(options.projects / 2);
  const projectId = seeded.projectIds[projectIndex]!;
  const productionIndex = plan.environments.findIndex((e) => e.project === projectIndex);
  const productionId = seeded.environmentIds[productionIndex]!;
  const productionName = plan.environments[productionIndex]!.name;
  const historyEnvironment = plan.order.filter((i) => i === productionIndex).length;

  const notes: string[] = [];
  const history = `/projects/${projectId}/deployments?environment=${encodeURIComponent(productionName)}&order_by=id&sort=desc&per_page=20`;
  const historyExists = (await api.status(history)) === 200;
  const endpoints: Endpoint[] = [
    {
      label: 'environments list page (per_page=20)',
      path: `/projects/${projectId}/environments?per_page=20`,
      token: ADMIN_TOKEN,
      goal: true,
    },
    {
      label: 'environments list, search=review/ page 2',
      path: `/projects/${projectId}/environments?search=review%2F&per_page=20&page=2`,
      token: ADMIN_TOKEN,
      goal: true,
    },
    {
      label: 'one environment (last + last successful)',
      path: `/projects/${projectId}/environments/${productionId}`,
      token: ADMIN_TOKEN,
      goal: false,
    },
  ];
  if (historyExists) {
    endpoints.push(
      {
        label: `deployment history page (${productionName})`,
        path: history,
        token: ADMIN_TOKEN,
        goal: true,
      },
      {
        label: `deployment history page 10 (${productionName})`,
        path: `${history}&page=10`,
        token: ADMIN_TOKEN,
        goal: true,
      },
      {
        label: 'deployment history page, whole project',
        path: `/projects/${projectId}/deployments?order_by=id&sort=desc&per_page=20`,
        token: ADMIN_TOKEN,
        goal: true,
      },
    );
  } else {
    notes.push(
      'GET /projects/:id/deployments does not exist in this build: the deployment history rows are missing (the environment row stands in)',
    );
  }
  endpoints.push(
    {
      label: 'matrix (per_page=100, admin: all projects)',
      path: '/environments/matrix?per_page=100',
      token: ADMIN_TOKEN,
      goal: true,
    },
    {
      label: 'matrix page 5 (per_page=100, admin)',
      path: `/environments/matrix?per_page=100&page=5`,
      token: ADMIN_TOKEN,
      goal: true,
    },
    {
      label: `matrix (per_page=100, member of ${Math.min(MEMBER_PROJECTS, options.projects)} projects)`,
      path: '/environments/matrix?per_page=100',
      token: seeded.memberToken,
      goal: true,
    },
  );

  const latency: LatencyRow[] = [];
  for (const endpoint of endpoints) {
    progress(`${dialect}: ${endpoint.label} × ${options.warmup} warm-up + ${options.requests}`);
    for (let i = 0; i < options.warmup; i++) await api.timedGet(endpoint.path, endpoint.token);
    const samples: number[] = [];
    for (let i = 0; i < options.requests; i++)
      samples.push(await api.timedGet(endpoint.path, endpoint.token));
    latency.push({
      label: endpoint.label,
      path: endpoint.path,
      summary: summarize(samples),
      goal: endpoint.goal,
    });
  }
  return {
    dialect,
    database,
    seeded,
    counts: {
      environments: await count('environments'),
      deployments: await count('deployments'),
      historyEnvironment,
    },
    latency,
    notes,
  };
}

// ---------------------------------------------------------------------------------------------
// Reporting

function printResult(result: DialectResult, options: BenchOptions): void {
  const { dialect, seeded } = result;
  print(`=== dialect: ${dialect} (${result.database}) ===`);
  print(
    table(
      `[${dialect}] Seeding: projects and users through the API, the rest straight into the database`,
      [
        { header: 'projects', align: 'right' },
        { header: 'environments', align: 'right' },
        { header: 'deployments', align: 'right' },
        { header: 'API s', align: 'right' },
        { header: 'environments s', align: 'right' },
        { header: 'deployments s', align: 'right' },
        { header: 'deployments/s', align: 'right' },
        { header: 'last-deployment pointers s', align: 'right' },
      ],
      [
        [
          String(seeded.projectIds.length),
          String(result.counts.environments),
          String(result.counts.deployments),
          fixed(seeded.seconds.api, 1),
          fixed(seeded.seconds.environments, 2),
          fixed(seeded.seconds.deployments, 1),
          (result.counts.deployments / seeded.seconds.deployments).toFixed(0),
          fixed(seeded.seconds.pointers, 2),
        ],
      ],
    ),
  );
  const worst = Math.max(...result.latency.filter((row) => row.goal).map((row) => row.summary.p95));
  print(
    `${table(
      `[${dialect}] API latency, sequential keep-alive GETs as the admin (unless said) after ${options.warmup} warm-up each`,
      [
        { header: 'endpoint' },
        { header: 'n', align: 'right' },
        { header: 'p50 ms', align: 'right' },
        { header: 'p95 ms', align: 'right' },
        { header: 'p99 ms', align: 'right' },
        { header: 'max ms', align: 'right' },
        { header: `p95 ≤ ${P95_GOAL_MS} ms` },
      ],
      result.latency.map((row) => [
        row.label,
        String(row.summary.n),
        fixed(row.summary.p50),
        fixed(row.summary.p95),
        fixed(row.summary.p99),
        fixed(row.summary.max),
        row.goal ? (row.summary.p95 <= P95_GOAL_MS ? 'pass' : 'FAIL') : '-',
      ]),
    )}\nthe history environment has ${result.counts.historyEnvironment} deployments; paths: ${result.latency
      .map((row) => row.path)
      .join(
        ' ',
      )}\ngoal (issue 4): p95 ≤ ${P95_GOAL_MS} ms for each page; worst p95 here ${fixed(worst)} ms: ${
      worst <= P95_GOAL_MS ? 'pass' : 'FAIL'
    }${result.notes.map((note) => `\nnote: ${note}`).join('')}`,
  );
}

function comparisonRows(results: readonly DialectResult[]): string[][] {
  return [
    [
      'deployments inserted per second',
      ...results.map((r) => (r.counts.deployments / r.seeded.seconds.deployments).toFixed(0)),
    ],
    ...results[0]!.latency.map((row, i) => [
      `${row.label}, p50 / p95 ms`,
      ...results.map((r) => {
        const summary = r.latency[i]?.summary;
        return summary ? `${fixed(summary.p50)} / ${fixed(summary.p95)}` : '-';
      }),
    ]),
  ];
}

cleanup.exitAfter(
  runBench(
    cleanup,
    {
      usage: USAGE,
      parseOptions,
      nodeRuns: 'server and client in one process',
      parameters: (options) =>
        `projects=${options.projects} environments=${options.environments} deployments=${options.deployments} requests=${options.requests} warmup=${options.warmup} batch=${options.batch}`,
      run: benchmark,
      printResult,
      comparisonRows,
    },
    process.argv.slice(2),
  ),
);
