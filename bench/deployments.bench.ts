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
import { sql } from 'kysely';
import type { Dialect } from '../src/store/dialect.ts';
import { runBench } from './support/bench-main.ts';
import { parseBenchArgs } from './support/bench-options.ts';
import { print, progress } from './support/bench-output.ts';
import { startBenchServer } from './support/bench-server.ts';
import { CleanupRegistry } from './support/cleanup-registry.ts';
import { planDeploymentSeed } from './support/deployment-seed-plan.ts';
import {
  MEMBER_PROJECTS,
  type SeededDeployments,
  seedDeployments,
  seedingTable,
} from './support/deployment-seeder.ts';
import { type Summary, summarize } from './support/latency-summary.ts';
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
const P95_GOAL_MS = 25;

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
// The API

class Api {
  readonly url: string;

  constructor(url: string) {
    this.url = url;
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
  seeded: SeededDeployments;
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
  const { server, database } = await startBenchServer(dialect, cleanup, {
    adminToken: ADMIN_TOKEN,
    dataDirPrefix: 'gantry-bench-deployments-',
  });
  const api = new Api(server.url);
  const seeded = await seedDeployments(server, ADMIN_TOKEN, plan, options);
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
  print(seedingTable(dialect, seeded, result.counts));
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
