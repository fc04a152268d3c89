import { performance } from 'node:perf_hooks';
import { type Insertable, sql } from 'kysely';
import { environmentSlug } from '../../src/domain/environment-slug.ts';
import { guessTier } from '../../src/domain/environment-tier.ts';
import type { GantryServer } from '../../src/server/gantry-server.ts';
import type { DeploymentsTable } from '../../src/store/schema.ts';
import { apiRequest } from './api-request.ts';
import { progress } from './bench-output.ts';
import { type DeploymentSeedPlan, seededRandom } from './deployment-seed-plan.ts';
import { fixed, table } from './text-table.ts';

/** Users created besides the admin (`deployer-1`…, password `bench-password-<i − 1>`). */
export const SEEDED_USERS = 5;
/** How many projects the first deployer is a developer in (fewer when there are fewer projects). */
export const MEMBER_PROJECTS = 10;

const DAY_MS = 24 * 60 * 60 * 1000;

/** What {@link seedDeployments} created, and how long each part took. */
export interface SeededDeployments {
  projectIds: number[];
  /** Environment ids, by index in the plan. */
  environmentIds: number[];
  /** A `read_api` token of the first deployer, a developer in {@link MEMBER_PROJECTS} projects. */
  memberToken: string;
  seconds: { api: number; environments: number; deployments: number; pointers: number };
}

/**
 * Seeds a running server as its pipelines would have left it. Through the API, as the admin
 * (`adminToken`): `projects` projects (`bench/app-001`…, the plan's project indexes point into them),
 * {@link SEEDED_USERS} users, the first of them a developer in up to {@link MEMBER_PROJECTS}
 * projects spread over the id range, and that user's `read_api` token. Straight into the database,
 * `batch` rows per INSERT and one transaction each: the plan's environments, its deployments in
 * plan order over the last year (statuses, refs, users and script snapshots drawn from a fixed
 * seed), the projects' deployment counters, and each environment's last and last successful
 * deployment. On PostgreSQL it then runs `ANALYZE`.
 */
export async function seedDeployments(
  server: GantryServer,
  adminToken: string,
  plan: DeploymentSeedPlan,
  options: { projects: number; batch: number },
): Promise<SeededDeployments> {
  const db = server.store.db;
  const call = async <T>(method: string, path: string, body: unknown, expected: number) =>
    (await apiRequest<T>(server.url, method, path, adminToken, body, expected)).body;
  const apiStarted = performance.now();
  progress(`seeding ${options.projects} projects and ${SEEDED_USERS} users through the API`);
  const projectIds: number[] = [];
  const digits = Math.max(3, String(options.projects).length);
  for (let i = 0; i < options.projects; i++) {
    const path = `bench/app-${String(i + 1).padStart(digits, '0')}`;
    projectIds.push((await call<{ id: number }>('POST', '/projects', { path }, 201)).id);
  }
  const userIds: number[] = [];
  for (let i = 0; i < SEEDED_USERS; i++) {
    const user = await call<{ id: number }>(
      'POST',
      '/users',
      { username: `deployer-${i + 1}`, name: `Deployer ${i + 1}`, password: `bench-password-${i}` },
      201,
    );
    userIds.push(user.id);
  }
  // The first deployer is a developer in a few projects: the matrix as a non-admin.
  const memberships = Math.min(MEMBER_PROJECTS, projectIds.length);
  for (let i = 0; i < memberships; i++) {
    const id = projectIds[Math.floor((i * projectIds.length) / memberships)]!;
    await call('POST', `/projects/${id}/members`, { user_id: userIds[0], access_level: 30 }, 201);
  }
  const memberToken = (
    await call<{ token: string }>(
      'POST',
      `/users/${userIds[0]}/personal_access_tokens`,
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

/**
 * The "Seeding" table of a dialect's results: projects, the `counts` of environments and deployments
 * in the database, and how long each part of {@link seedDeployments} took.
 */
export function seedingTable(
  dialect: string,
  seeded: SeededDeployments,
  counts: { environments: number; deployments: number },
): string {
  return table(
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
        String(counts.environments),
        String(counts.deployments),
        fixed(seeded.seconds.api, 1),
        fixed(seeded.seconds.environments, 2),
        fixed(seeded.seconds.deployments, 1),
        (counts.deployments / seeded.seconds.deployments).toFixed(0),
        fixed(seeded.seconds.pointers, 2),
      ],
    ],
  );
}

/** `length` hexadecimal digits drawn from `random`: commit shas and versions. */
export function randomHex(random: () => number, length: number): string {
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
  const sha = randomHex(d.random, 40);
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
    variablesVersion: randomHex(d.random, 16),
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
