import { Type } from 'typebox';
import { environmentFolder } from '../domain/environment-name.ts';
import type { DeploymentRelations } from '../services/deployment-relations.ts';
import type { EnvironmentEntry } from '../services/environment-service.ts';
import type { DeploymentRow } from '../store/repositories/deployment-repository.ts';
import type { MatrixRow } from '../store/repositories/environment-repository.ts';

// Environments and deployments as GitLab's API v4 shows them, plus Gantry's own fields
// (`rollback_of`, `rebuild`, `snapshot`, `external_state`, `folder`) and the what-runs-where matrix.

const Timestamp = Type.String({ format: 'date-time' });
const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableInteger = Type.Union([Type.Integer(), Type.Null()]);

export const DeploymentView = Type.Object({
  id: Type.Integer(),
  iid: Type.Integer({ description: 'number of the deployment within its project' }),
  ref: Type.String(),
  sha: Type.String(),
  tag: Type.Boolean(),
  status: Type.String({ description: 'created, blocked, running, success, failed, canceled or skipped' }),
  action: Type.String({ description: 'start (deploy) or stop' }),
  created_at: Timestamp,
  updated_at: Timestamp,
  finished_at: NullableTimestamp,
  user: Type.Union([
    Type.Object({ id: Type.Integer(), username: Type.String(), name: Type.String() }),
    Type.Null(),
  ]),
  environment: Type.Object({ id: Type.Integer(), name: Type.String(), slug: Type.String() }),
  deployable: Type.Union([
    Type.Object({ id: Type.Integer(), name: Type.String(), status: Type.Optional(Type.String()) }),
    Type.Null(),
  ]),
  pipeline_id: NullableInteger,
  rollback_of: Type.Union([Type.Integer(), Type.Null()], {
    description: 'id of the deployment whose snapshot this one applied again',
  }),
  rebuild: Type.Boolean({
    description: 'made by a rebuild pipeline: the deployed commit built again, without build cache',
  }),
  snapshot: Type.Unknown({ description: 'what the deployment applied (JSON), or null' }),
  rollout: Type.Unknown({
    description:
      'an incremental rollout (Kubernetes strategy.steps): step, steps, percent, waiting (promote, pause or null), resume_at; null otherwise',
  }),
  external_state: Type.Union([Type.String(), Type.Null()], {
    description: 'the last state an external deployer reported (queued, in_progress, success, …)',
  }),
});

/**
 * A deployment as the API shows it. `row` may carry `environment_name` (as list rows do), used when
 * `extras` lacks its environment; users and jobs come from `extras`, loaded once per page with
 * `loadDeploymentRelations` (src/services/deployment-relations.ts).
 */
export function deploymentView(
  row: DeploymentRow & { environment_name?: string },
  extras: DeploymentRelations,
) {
  const user = row.user_id === null ? undefined : extras.users.get(row.user_id);
  const job = row.job_id === null ? undefined : extras.jobs.get(row.job_id);
  const environment = extras.environments.get(row.environment_id);
  return {
    id: row.id,
    iid: row.iid,
    ref: row.ref,
    sha: row.sha,
    tag: row.tag === 1,
    status: row.status,
    action: row.action,
    created_at: row.created_at,
    updated_at: row.updated_at,
    finished_at: row.finished_at,
    user: user ? { id: user.id, username: user.username, name: user.name } : null,
    environment: environment
      ? { id: environment.id, name: environment.name, slug: environment.slug }
      : { id: row.environment_id, name: row.environment_name ?? '', slug: '' },
    deployable:
      row.job_id === null
        ? null
        : {
            id: row.job_id,
            name: job?.name ?? row.deployable_name ?? '',
            ...(job && { status: job.status }),
          },
    pipeline_id: row.pipeline_id,
    rollback_of: row.rollback_of,
    rebuild: row.rebuild === 1,
    snapshot: parseJson(row.snapshot),
    rollout: parseJson(row.rollout_state),
    external_state: row.external_state,
  };
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

const environmentProperties = {
  id: Type.Integer(),
  name: Type.String(),
  slug: Type.String({ description: 'CI_ENVIRONMENT_SLUG' }),
  external_url: NullableString,
  state: Type.String({ description: 'available, stopping or stopped' }),
  tier: Type.String({ description: 'production, staging, testing, development or other' }),
  folder: Type.Union([Type.String(), Type.Null()], {
    description: 'first path segment of the name (review for review/feature-x), null at the top level',
  }),
  kubernetes_namespace: NullableString,
  metrics_path: Type.Union([Type.String(), Type.Null()], {
    description: 'where the app serves Prometheus metrics, scraped at external_url + this path',
  }),
  auto_stop_at: NullableTimestamp,
  created_at: Timestamp,
  updated_at: Timestamp,
  last_deployment: Type.Union([DeploymentView, Type.Null()]),
};

export const EnvironmentView = Type.Object(environmentProperties);

export const EnvironmentDetailsView = Type.Object({
  ...environmentProperties,
  last_successful_deployment: Type.Union([DeploymentView, Type.Null()]),
});

/** An environment in a list: its last deployment, whatever its status. */
export function environmentView(entry: EnvironmentEntry, extras: DeploymentRelations) {
  const row = entry.environment;
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    external_url: row.external_url,
    state: row.state,
    tier: row.tier,
    folder: environmentFolder(row.name),
    kubernetes_namespace: row.kubernetes_namespace,
    metrics_path: row.metrics_path,
    auto_stop_at: row.auto_stop_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
    last_deployment: entry.lastDeployment ? deploymentView(entry.lastDeployment, extras) : null,
  };
}

/** One environment: also its last successful deployment (what runs there). */
export function environmentDetailsView(entry: EnvironmentEntry, extras: DeploymentRelations) {
  return {
    ...environmentView(entry, extras),
    last_successful_deployment: entry.lastSuccessfulDeployment
      ? deploymentView(entry.lastSuccessfulDeployment, extras)
      : null,
  };
}

export const EnvironmentFolderView = Type.Object({
  name: Type.String({ description: "the environment's name, or the folder's (review)" }),
  folder: Type.Boolean(),
  size: Type.Integer({ description: 'environments in the folder; 1 for an environment' }),
  environment: Type.Object(environmentProperties, {
    description: "the environment, or the folder's most recently updated one",
  }),
});

/** One entry of the top level of an environments list: an environment, or a folder of them. */
export function environmentFolderView(
  entry: { name: string; folder: boolean; size: number; entry: EnvironmentEntry },
  extras: DeploymentRelations,
) {
  return {
    name: entry.name,
    folder: entry.folder,
    size: entry.size,
    environment: environmentView(entry.entry, extras),
  };
}

export const MatrixRowView = Type.Object({
  project: Type.Object({ id: Type.Integer(), path_with_namespace: Type.String() }),
  environment: Type.Object({
    id: Type.Integer(),
    name: Type.String(),
    tier: Type.String(),
    state: Type.String(),
  }),
  deployment: Type.Union([
    Type.Object({
      id: Type.Integer(),
      iid: Type.Integer(),
      sha: Type.String(),
      short_sha: Type.String(),
      ref: Type.String(),
      tag: Type.Boolean(),
      finished_at: NullableTimestamp,
      user: Type.Union([Type.Object({ id: Type.Integer(), username: Type.String() }), Type.Null()]),
    }),
    Type.Null(),
  ]),
  last_deployment: Type.Union(
    [
      Type.Object({
        id: Type.Integer(),
        iid: Type.Integer(),
        status: Type.String(),
        sha: Type.String(),
        short_sha: Type.String(),
        ref: Type.String(),
        tag: Type.Boolean(),
        created_at: Timestamp,
      }),
      Type.Null(),
    ],
    {
      description: 'the deployment that ran last, whatever its status (the current one, running, failed, …)',
    },
  ),
});

/**
 * One cell of what runs where: an environment, its last successful deployment (what runs there)
 * and the deployment that ran last (the same one, or one running now or failed since).
 */
export function matrixRowView(row: MatrixRow) {
  return {
    project: { id: row.project_id, path_with_namespace: row.project_path },
    environment: {
      id: row.environment_id,
      name: row.environment_name,
      tier: row.tier,
      state: row.state,
    },
    deployment:
      row.deployment_id === null
        ? null
        : {
            id: row.deployment_id,
            iid: row.deployment_iid ?? 0,
            sha: row.sha ?? '',
            short_sha: (row.sha ?? '').slice(0, 8),
            ref: row.ref ?? '',
            tag: row.tag === 1,
            finished_at: row.finished_at,
            user:
              row.user_id !== null && row.username !== null
                ? { id: row.user_id, username: row.username }
                : null,
          },
    last_deployment:
      row.last_deployment_id === null
        ? null
        : {
            id: row.last_deployment_id,
            iid: row.last_deployment_iid ?? 0,
            status: row.last_status ?? '',
            sha: row.last_sha ?? '',
            short_sha: (row.last_sha ?? '').slice(0, 8),
            ref: row.last_ref ?? '',
            tag: row.last_tag === 1,
            created_at: row.last_created_at ?? '',
          },
  };
}
