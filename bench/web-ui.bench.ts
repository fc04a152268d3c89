/**
 * Web UI benchmark (issue 6's quality bar: "pages stay fast with 1,000 environments and 100,000
 * deployments"): how long the UI's main pages take to show their content in a real browser, how
 * many DOM elements they hold and which API requests they make.
 *
 * Runs the real server in this process (`startBenchServer`: no runner, a temporary data directory,
 * SQLite and/or a throwaway PostgreSQL, loopback only), serving the built UI from web/dist. It seeds
 * the data set of `deployments.bench.ts` (`seedDeployments`), with every environment and deployment
 * in the first project, plus that project's pipelines; then Debian's Chromium (playwright-core),
 * signed in as an admin, loads each page N times: from navigation start to the page's main content
 * visible. Plain-text tables go to stdout, progress to stderr. It is not a test: goals are reported,
 * never enforced (the exit code is non-zero only when the benchmark itself could not run, e.g. a
 * page never showed its content).
 *
 * Usage: node bench/web-ui.bench.ts [--dialect sqlite|postgres|both] [--projects 50]
 *                                   [--environments 1000] [--deployments 100000]
 *                                   [--pipelines 100000] [--loads 10] [--warmup 1] [--batch 1000]
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Insertable } from 'kysely';
import type { Browser, Locator, Page, Request } from 'playwright-core';
import { DEFAULT_WEB_DIR } from '../src/config/server-config.ts';
import type { GantryServer } from '../src/server/gantry-server.ts';
import type { Dialect } from '../src/store/dialect.ts';
import type { PipelinesTable } from '../src/store/schema.ts';
import { launchChromium, VIEWPORTS } from '../test/support/browser.ts';
import { signIn } from '../test/support/web-ui.ts';
import { apiRequest } from './support/api-request.ts';
import { runBench } from './support/bench-main.ts';
import { parseBenchArgs } from './support/bench-options.ts';
import { print, progress } from './support/bench-output.ts';
import { startBenchServer } from './support/bench-server.ts';
import { CleanupRegistry } from './support/cleanup-registry.ts';
import { planDeploymentSeed, seededRandom } from './support/deployment-seed-plan.ts';
import {
  randomHex,
  type SeededDeployments,
  seedDeployments,
  seedingTable,
} from './support/deployment-seeder.ts';
import { percentile, type Summary, summarize } from './support/latency-summary.ts';
import { sleep } from './support/sleep.ts';
import { fixed, table } from './support/text-table.ts';

interface BenchOptions {
  dialects: Dialect[];
  projects: number;
  environments: number;
  deployments: number;
  pipelines: number;
  loads: number;
  warmup: number;
  batch: number;
}

const ADMIN_TOKEN = `bench-admin-${randomBytes(12).toString('hex')}`;
/** The admin the browser signs in as (the initial admin has a token but no password). */
const ADMIN = { username: 'bench-admin', password: `bench-${randomBytes(12).toString('hex')}` };
/** Our goals for a page (the brief says only "pages stay fast"); see bench/README.md. */
const CONTENT_GOAL_MS = 1000;
const DOM_GOAL = 5000;
/** The API's own goal per list/history page (PRODUCT.md), shown for reference. */
const API_GOAL_MS = 25;
/** A page's API calls are over once none has run for this long (live refetches wait 250 ms). */
const QUIET_MS = 500;
const QUIET_TIMEOUT_MS = 10_000;
const CONTENT_TIMEOUT_MS = 30_000;
const DAY_MS = 24 * 60 * 60 * 1000;

const USAGE = `Usage: node bench/web-ui.bench.ts [--dialect sqlite|postgres|both] [--projects N]
                                  [--environments N] [--deployments N] [--pipelines N]
                                  [--loads N] [--warmup N] [--batch N]

  --dialect       database to run against; "both" runs everything once per dialect (default sqlite)
  --projects      projects created; the first holds every environment, deployment and pipeline,
                  the others fill the projects list (default 50)
  --environments  environments seeded (default 1000)
  --deployments   deployments seeded (default 100000)
  --pipelines     pipelines seeded in the first project (default 100000)
  --loads         timed loads of each page (default 10)
  --warmup        untimed loads of each page before its timed ones (default 1)
  --batch         rows per INSERT while seeding, one transaction each (default 1000)`;

function parseOptions(argv: readonly string[]): BenchOptions {
  return parseBenchArgs(argv, USAGE, {
    projects: { default: 50, min: 1, max: 10_000 },
    environments: { default: 1000, min: 1, max: 1_000_000 },
    deployments: { default: 100_000, min: 1, max: 10_000_000 },
    pipelines: { default: 100_000, min: 1, max: 10_000_000 },
    loads: { default: 10, min: 1, max: 10_000 },
    warmup: { default: 1, min: 0, max: 10_000 },
    batch: { default: 1000, min: 1, max: 1500 },
  });
}

const cleanup = new CleanupRegistry();
cleanup.installProcessHandlers('closing Chromium, stopping the server and removing temporary files');

// ---------------------------------------------------------------------------------------------
// Seeding

/**
 * Inserts `count` finished pipelines of `projectId` straight into the database, spread over the
 * last year (no jobs: the list shows only the pipelines' own columns), and its pipeline counter.
 */
async function seedPipelines(
  server: GantryServer,
  projectId: number,
  count: number,
  batch: number,
): Promise<void> {
  const db = server.store.db;
  const random = seededRandom(11);
  const epoch = Date.now() - 365 * DAY_MS;
  const span = 365 * DAY_MS - DAY_MS;
  let before = '0'.repeat(40);
  for (let from = 0; from < count; from += batch) {
    const rows: Array<Insertable<PipelinesTable>> = [];
    for (let iid = from + 1; iid <= Math.min(count, from + batch); iid++) {
      const sha = randomHex(random, 40);
      const created = epoch + Math.floor((span * iid) / count);
      const r = random();
      const branch = r < 0.7 ? 'main' : `feature-${String(Math.floor(random() * 999) + 1).padStart(3, '0')}`;
      rows.push({
        project_id: projectId,
        iid,
        sha,
        before_sha: before,
        ref: branch,
        tag: 0,
        source: 'push',
        status: r < 0.85 ? 'success' : r < 0.95 ? 'failed' : 'canceled',
        name: null,
        user_id: null,
        schedule_id: null,
        rebuild_of: null,
        yaml_errors: null,
        variables_encrypted: null,
        created_at: new Date(created).toISOString(),
        updated_at: new Date(created + 300_000).toISOString(),
        started_at: new Date(created + 2_000).toISOString(),
        finished_at: new Date(created + 300_000).toISOString(),
      });
      before = sha;
    }
    await db.transaction().execute((trx) => trx.insertInto('pipelines').values(rows).execute());
  }
  await db
    .insertInto('internal_ids')
    .values({ project_id: projectId, usage: 'pipelines', last_value: count })
    .execute();
}

// ---------------------------------------------------------------------------------------------
// The pages and how a load is measured

/** One page of the UI: where it is and what shows that it has loaded. */
interface PageView {
  label: string;
  path: string;
  /** The elements whose visibility means the main content is there, waited for in turn. */
  content(page: Page): Locator[];
  /** What the page shows of the data once loaded, as a check that it is the seeded data. */
  shows(page: Page): Promise<string>;
}

/** The rows of `table` below its header row. */
const dataRows = async (table: Locator) => (await table.getByRole('row').count()) - 1;
const firstDataRow = (table: Locator) => table.getByRole('row').nth(1);
const text = async (locator: Locator) => ((await locator.first().textContent()) ?? '').trim();

function pageViews(projectId: number, environmentId: number): PageView[] {
  const project = `/projects/${projectId}`;
  const mainTable = (page: Page) => page.getByRole('main').getByRole('table');
  const overview = (page: Page, section: string) =>
    page.getByRole('region', { name: section, exact: true }).getByRole('table');
  const environments = (page: Page) => page.getByRole('table', { name: 'Environments', exact: true });
  const history = (page: Page) => page.getByRole('table', { name: 'Deployment history' });
  const matrix = (page: Page) =>
    page.getByRole('table', { name: 'Deployed versions by project and environment' });
  return [
    {
      label: 'projects list',
      path: '/projects',
      content: (page) => [firstDataRow(mainTable(page))],
      shows: async (page) => `${await dataRows(mainTable(page))} projects listed`,
    },
    {
      label: 'project overview',
      path: project,
      content: (page) => [
        firstDataRow(overview(page, 'Latest pipelines')),
        firstDataRow(overview(page, 'Environments')),
      ],
      shows: async (page) =>
        `${await dataRows(overview(page, 'Latest pipelines'))} pipelines, ${await dataRows(overview(page, 'Environments'))} environments`,
    },
    {
      label: 'environments (folders)',
      path: `${project}/environments`,
      content: (page) => [firstDataRow(environments(page))],
      shows: async (page) =>
        `${await text(page.getByText(/^\d+ entr(y|ies)$/))}; ${
          (await page
            .getByRole('button', { name: /: folder of / })
            .first()
            .getAttribute('aria-label')) ?? 'no folder'
        }`,
    },
    {
      label: 'environment, deployment history',
      path: `${project}/environments/${environmentId}`,
      content: (page) => [firstDataRow(history(page))],
      shows: async (page) =>
        `${await dataRows(history(page))} rows of ${await text(page.getByText(/^[\d,]+ deployments?$/))}`,
    },
    {
      label: 'what runs where (matrix)',
      path: '/environments',
      content: (page) => [firstDataRow(matrix(page))],
      shows: async (page) =>
        `${await dataRows(matrix(page))} project rows × ${
          (await matrix(page).getByRole('columnheader').count()) - 1
        } environment columns`,
    },
    {
      label: 'pipelines list',
      path: `${project}/pipelines`,
      content: (page) => [firstDataRow(mainTable(page))],
      shows: async (page) =>
        `${await dataRows(mainTable(page))} rows of ${await text(page.getByText(/^[\d,]+ pipelines?$/))}`,
    },
  ];
}

/**
 * Installed in every document before its own scripts: remembers when each inserted subtree was
 * first rendered, i.e. the next animation frame after its insertion (milliseconds since the
 * document's navigation start), so that `__benchShownAt(element)` can tell when an element found
 * later became visible. A subtree inserted at once has one time: its root's.
 */
const SHOWN_AT_SCRIPT = `(() => {
  const shown = new WeakMap();
  new MutationObserver((records) => {
    const nodes = records.flatMap((record) => [...record.addedNodes]);
    requestAnimationFrame(() => {
      const now = performance.now();
      for (const node of nodes) if (!shown.has(node)) shown.set(node, now);
    });
  }).observe(document, { childList: true, subtree: true });
  window.__benchShownAt = (element) => {
    for (let node = element; node; node = node.parentNode) if (shown.has(node)) return shown.get(node);
    return null;
  };
})();`;

/** The page's globals this benchmark uses (the benchmark is type-checked without the DOM's types). */
interface BenchWindow {
  requestAnimationFrame(callback: () => void): void;
  __benchShownAt(element: unknown): number | null;
}

/**
 * Runs in the page: when `element` was first rendered, in ms since navigation start (null when
 * the init script did not see it inserted), read after the next frame so that its time is set.
 */
const shownAt = (element: unknown) =>
  new Promise<number | null>((resolve) => {
    const page = globalThis as unknown as BenchWindow;
    page.requestAnimationFrame(() => resolve(page.__benchShownAt(element)));
  });

/** One API request a page made. */
interface ApiCall {
  /** Method and path with query, e.g. `GET /api/v1/projects/1`. */
  what: string;
  status: number | 'failed';
  /** The response body's size in bytes (as sent; the API does not compress). */
  bytes: number;
  /** The full URL, to find its resource timing. */
  url: string;
}

/**
 * Follows a page's requests to `/api/v1` (all but the live-event stream, which stays open) from
 * one {@link ApiTracker.reset} to the next, and knows when they have stopped.
 */
class ApiTracker {
  readonly #inFlight = new Set<Request>();
  #calls: ApiCall[] = [];
  #lastActivity = performance.now();

  constructor(page: Page) {
    page.on('request', (request) => {
      if (!isApiCall(request)) return;
      this.#inFlight.add(request);
      this.#lastActivity = performance.now();
    });
    page.on('requestfinished', (request) => void this.#finished(request));
    page.on('requestfailed', (request) => {
      if (this.#inFlight.delete(request)) this.#record(request, 'failed', 0);
    });
  }

  /** Forgets what came before: the next load starts. */
  reset(): void {
    this.#inFlight.clear();
    this.#calls = [];
    this.#lastActivity = performance.now();
  }

  /** Resolves, with the calls, once no API request is in flight and none has started or ended for {@link QUIET_MS}. */
  async quiet(): Promise<ApiCall[]> {
    const deadline = performance.now() + QUIET_TIMEOUT_MS;
    while (this.#inFlight.size > 0 || performance.now() - this.#lastActivity < QUIET_MS) {
      if (performance.now() > deadline) {
        throw new Error(
          `API requests still running ${QUIET_TIMEOUT_MS / 1000} s after the content showed: ${[
            ...this.#inFlight,
          ]
            .map((request) => request.url())
            .join(' ')}`,
        );
      }
      await sleep(25);
    }
    return this.#calls;
  }

  async #finished(request: Request): Promise<void> {
    if (!this.#inFlight.has(request)) return;
    const [sizes, response] = await Promise.all([request.sizes(), request.response()]);
    if (!this.#inFlight.delete(request)) return;
    this.#record(request, response?.status() ?? 'failed', sizes.responseBodySize);
  }

  #record(request: Request, status: number | 'failed', bytes: number): void {
    const url = new URL(request.url());
    this.#calls.push({
      what: `${request.method()} ${url.pathname}${url.search}`,
      status,
      bytes,
      url: request.url(),
    });
    this.#lastActivity = performance.now();
  }
}

function isApiCall(request: Request): boolean {
  const { pathname } = new URL(request.url());
  return pathname.startsWith('/api/v1/') && pathname !== '/api/v1/events/stream';
}

/** What one load of a page gave. */
interface LoadSample {
  /** Navigation start → the last of the content's elements rendered, ms (in the page's clock). */
  contentMs: number;
  /** Navigation start → the end of the document's DOMContentLoaded handlers, ms. */
  domContentLoadedMs: number;
  /** Elements in the document once its API requests have stopped. */
  elements: number;
  calls: PageCall[];
}

/** An API request of one load: when it ended (navigation start → response end, ms) and whether the content was rendered by then. */
interface PageCall extends ApiCall {
  endMs: number;
  beforeContent: boolean;
}

/**
 * Loads `view` once (a full navigation, as a deep link or reload would), waits for its content and
 * for its API requests to stop, and measures it.
 * @throws when the content does not show within {@link CONTENT_TIMEOUT_MS}, with what the page says.
 */
async function loadOnce(
  page: Page,
  baseUrl: string,
  view: PageView,
  tracker: ApiTracker,
): Promise<LoadSample> {
  tracker.reset();
  await page.goto(`${baseUrl}${view.path}`, { waitUntil: 'commit' });
  const content = view.content(page);
  try {
    for (const locator of content) await locator.waitFor({ timeout: CONTENT_TIMEOUT_MS });
  } catch (error) {
    const main = await page
      .getByRole('main')
      .textContent({ timeout: 1000 })
      .then((text) => text ?? '')
      .catch(() => '(no main element)');
    throw new Error(
      `${view.label} (${view.path}) did not show its content within ${CONTENT_TIMEOUT_MS / 1000} s; the page says: ${main
        .replace(/\s+/g, ' ')
        .slice(0, 300)}`,
      { cause: error },
    );
  }
  const shown = await Promise.all(content.map((locator) => locator.evaluate(shownAt)));
  if (shown.some((at) => at === null)) {
    throw new Error(`${view.label}: the page did not record when its content was rendered`);
  }
  const contentMs = Math.max(...(shown as number[]));
  const calls = await tracker.quiet();
  const facts = (await page.evaluate(`({
    dcl: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? NaN,
    elements: document.getElementsByTagName('*').length,
    ended: performance.getEntriesByType('resource').map((entry) => [entry.name, entry.responseEnd]),
  })`)) as { dcl: number; elements: number; ended: Array<[string, number]> };
  // Each call's end in the page's clock (as the content's time): the first unused resource timing
  // entry of its URL.
  const ended = facts.ended.slice();
  const timed = calls.map((call) => {
    const index = ended.findIndex(([url]) => url === call.url);
    const endMs = index === -1 ? Number.NaN : ended.splice(index, 1)[0]![1];
    return { ...call, endMs, beforeContent: endMs <= contentMs };
  });
  return {
    contentMs,
    domContentLoadedMs: facts.dcl,
    elements: facts.elements,
    calls: timed.toSorted((a, b) =>
      Number.isNaN(a.endMs) ? 1 : Number.isNaN(b.endMs) ? -1 : a.endMs - b.endMs,
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// One dialect

interface PageResult {
  label: string;
  path: string;
  content: Summary;
  domContentLoadedP50: number;
  /** Fewest and most elements over the timed loads. */
  elements: [number, number];
  /** Fewest and most API requests per load, and of them finished before the content showed. */
  requests: [number, number];
  beforeContent: [number, number];
  /** Median API response bytes per load. */
  bytesP50: number;
  shows: string;
  /** The last load: its content time and its API requests, in the order they ended. */
  last: { contentMs: number; calls: PageCall[] };
  /** API requests of any load that failed or answered an error, e.g. `GET /api/v1/user → 500`. */
  errors: string[];
}

interface DialectResult {
  dialect: Dialect;
  database: string;
  seeded: SeededDeployments;
  counts: { environments: number; deployments: number };
  seedSeconds: { pipelines: number };
  environment: { name: string; deployments: number };
  pages: PageResult[];
}

const range = (values: readonly number[]): [number, number] => [Math.min(...values), Math.max(...values)];

async function benchmark(dialect: Dialect, options: BenchOptions): Promise<DialectResult> {
  if (!existsSync(join(DEFAULT_WEB_DIR, 'index.html'))) {
    throw new Error(
      `the web UI is not built (${DEFAULT_WEB_DIR}/index.html is missing): run node_modules/.bin/node node_modules/vite/bin/vite.js build --config web/vite.config.ts`,
    );
  }
  // Everything in one project: its environments page and deployment history carry the whole load.
  const plan = planDeploymentSeed({
    projects: 1,
    environments: options.environments,
    deployments: options.deployments,
  });
  const { server, database } = await startBenchServer(dialect, cleanup, {
    adminToken: ADMIN_TOKEN,
    dataDirPrefix: 'gantry-bench-web-ui-',
  });
  const seeded = await seedDeployments(server, ADMIN_TOKEN, plan, options);
  const projectId = seeded.projectIds[0]!;
  progress(`inserting ${options.pipelines} pipelines into the first project`);
  const pipelinesStarted = performance.now();
  await seedPipelines(server, projectId, options.pipelines, options.batch);
  const pipelinesSeconds = (performance.now() - pipelinesStarted) / 1000;
  await apiRequest(server.url, 'POST', '/users', ADMIN_TOKEN, { ...ADMIN, admin: true }, 201);

  const counts = new Array<number>(plan.environments.length).fill(0);
  for (const index of plan.order) counts[index]!++;
  const busiest = counts.indexOf(Math.max(...counts));
  const views = pageViews(projectId, seeded.environmentIds[busiest]!);

  progress(`${dialect}: launching Chromium and signing in as ${ADMIN.username}`);
  const browser: Browser = await launchChromium();
  cleanup.defer('Chromium', () => browser.close());
  const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
  await context.addInitScript(SHOWN_AT_SCRIPT);
  const page = await context.newPage();
  await signIn(page, server.url, ADMIN.username, ADMIN.password);
  const tracker = new ApiTracker(page);

  const pages: PageResult[] = [];
  for (const view of views) {
    progress(`${dialect}: ${view.label} × ${options.warmup} warm-up + ${options.loads}`);
    for (let i = 0; i < options.warmup; i++) await loadOnce(page, server.url, view, tracker);
    const samples: LoadSample[] = [];
    for (let i = 0; i < options.loads; i++) samples.push(await loadOnce(page, server.url, view, tracker));
    const last = samples.at(-1)!;
    pages.push({
      label: view.label,
      path: view.path,
      content: summarize(samples.map((sample) => sample.contentMs)),
      domContentLoadedP50: median(samples.map((sample) => sample.domContentLoadedMs)),
      elements: range(samples.map((sample) => sample.elements)),
      requests: range(samples.map((sample) => sample.calls.length)),
      beforeContent: range(samples.map((sample) => sample.calls.filter((call) => call.beforeContent).length)),
      bytesP50: median(samples.map((sample) => sample.calls.reduce((sum, call) => sum + call.bytes, 0))),
      shows: await view.shows(page),
      last: { contentMs: last.contentMs, calls: last.calls },
      errors: [
        ...new Set(
          samples.flatMap((sample) =>
            sample.calls
              .filter((call) => call.status === 'failed' || call.status >= 400)
              .map((call) => `${call.what} → ${call.status}`),
          ),
        ),
      ],
    });
  }
  return {
    dialect,
    database,
    seeded,
    counts: { environments: plan.environments.length, deployments: plan.order.length },
    seedSeconds: { pipelines: pipelinesSeconds },
    environment: { name: plan.environments[busiest]!.name, deployments: counts[busiest]! },
    pages,
  };
}

function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

// ---------------------------------------------------------------------------------------------
// Reporting

const span = ([low, high]: [number, number]) => (low === high ? String(low) : `${low}–${high}`);
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

function printResult(result: DialectResult, options: BenchOptions): void {
  const { dialect, seeded } = result;
  print(`=== dialect: ${dialect} (${result.database}) ===`);
  print(
    `${seedingTable(dialect, seeded, result.counts)}\n${options.pipelines} pipelines inserted into the first project in ${fixed(
      result.seedSeconds.pipelines,
      1,
    )} s; every environment, deployment and pipeline is in that project, the others are empty`,
  );
  const worst = Math.max(...result.pages.map((row) => row.content.p95));
  const mostElements = Math.max(...result.pages.map((row) => row.elements[1]));
  const calls = result.pages.map(
    (row) =>
      `  ${row.label}, content at ${fixed(row.last.contentMs, 0)} ms: ${row.last.calls
        .map((call) => `${call.what} → ${call.status}, ${call.bytes} B, ended at ${fixed(call.endMs, 0)} ms`)
        .join('; ')}`,
  );
  print(
    `${table(
      `[${dialect}] Pages in Chromium (${VIEWPORTS.desktop.width}×${VIEWPORTS.desktop.height}), signed in as an admin: ${options.loads} loads each after ${options.warmup} warm-up`,
      [
        { header: 'page' },
        { header: 'n', align: 'right' },
        { header: 'content p50 ms', align: 'right' },
        { header: 'p95 ms', align: 'right' },
        { header: 'max ms', align: 'right' },
        { header: 'DCL p50 ms', align: 'right' },
        { header: 'DOM elements', align: 'right' },
        { header: 'API requests (before content)', align: 'right' },
        { header: 'API KB', align: 'right' },
        { header: `p95 ≤ ${CONTENT_GOAL_MS} ms` },
        { header: `DOM ≤ ${DOM_GOAL}` },
        { header: 'shows' },
      ],
      result.pages.map((row) => [
        row.label,
        String(row.content.n),
        fixed(row.content.p50, 0),
        fixed(row.content.p95, 0),
        fixed(row.content.max, 0),
        fixed(row.domContentLoadedP50, 0),
        span(row.elements),
        `${span(row.requests)} (${span(row.beforeContent)})`,
        kb(row.bytesP50),
        row.content.p95 <= CONTENT_GOAL_MS ? 'pass' : 'FAIL',
        row.elements[1] <= DOM_GOAL ? 'pass' : 'FAIL',
        row.shows,
      ]),
    )}
content: navigation start → the page's main content (its first table row; on the overview both tables') rendered, in the page's clock; DCL: → DOMContentLoaded
API requests: to /api/v1, not the live-event stream, until none has run for ${QUIET_MS} ms; "before content" had ended when the content showed
the environment page shows ${result.environment.name}, the environment with the most deployments (${result.environment.deployments})
the last load's API requests, in the order they ended (ms since navigation start):
${calls.join('\n')}${result.pages
  .filter((row) => row.errors.length > 0)
  .map((row) => `\nnote: ${row.label} had failed or refused API requests: ${row.errors.join('; ')}`)
  .join('')}
goals (ours, for "pages stay fast"): content p95 ≤ ${CONTENT_GOAL_MS} ms and ≤ ${DOM_GOAL} DOM elements per page; worst p95 here ${fixed(
      worst,
      0,
    )} ms: ${worst <= CONTENT_GOAL_MS ? 'pass' : 'FAIL'}; most elements ${mostElements}: ${
      mostElements <= DOM_GOAL ? 'pass' : 'FAIL'
    } (the API's own goal, PRODUCT.md: p95 ≤ ${API_GOAL_MS} ms per page, bench/deployments.bench.ts)`,
  );
}

function comparisonRows(results: readonly DialectResult[]): string[][] {
  return results[0]!.pages.flatMap((row, i) => [
    [
      `${row.label}: content p50 / p95 ms`,
      ...results.map((r) => {
        const content = r.pages[i]?.content;
        return content ? `${fixed(content.p50, 0)} / ${fixed(content.p95, 0)}` : '-';
      }),
    ],
    [
      `${row.label}: DOM elements, API requests, API KB`,
      ...results.map((r) => {
        const page = r.pages[i];
        return page ? `${span(page.elements)}, ${span(page.requests)}, ${kb(page.bytesP50)}` : '-';
      }),
    ],
  ]);
}

cleanup.exitAfter(
  runBench(
    cleanup,
    {
      usage: USAGE,
      parseOptions,
      nodeRuns: 'server, benchmark and Playwright client in one process; Chromium in its own',
      parameters: (options) =>
        `projects=${options.projects} environments=${options.environments} deployments=${options.deployments} pipelines=${options.pipelines} loads=${options.loads} warmup=${options.warmup} batch=${options.batch}`,
      run: benchmark,
      printResult,
      comparisonRows,
    },
    process.argv.slice(2),
  ),
);
