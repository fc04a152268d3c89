import type { DeploymentRepository, DeploymentRow } from '../store/repositories/deployment-repository.ts';
import type { EnvironmentRepository, EnvironmentRow } from '../store/repositories/environment-repository.ts';

/** The user who made a deployment, as a deployment shows them. */
export interface DeploymentUser {
  id: number;
  username: string;
  name: string;
}

/** The job behind a deployment (GitLab's `deployable`). */
export interface DeploymentJob {
  id: number;
  name: string;
  status: string;
}

/** The environment a deployment went to, as a deployment shows it. */
export interface DeploymentEnvironment {
  id: number;
  name: string;
  slug: string;
}

/**
 * What a page of deployments refers to, looked up once per page rather than once per deployment:
 * the users, the jobs and the environments, by id. An id missing from a map (a deleted user or
 * job) shows as null.
 */
export interface DeploymentRelations {
  users: ReadonlyMap<number, DeploymentUser>;
  jobs: ReadonlyMap<number, DeploymentJob>;
  environments: ReadonlyMap<number, DeploymentEnvironment>;
}

/** Relations of no deployment, for a page without any. */
export const NO_RELATIONS: DeploymentRelations = {
  users: new Map(),
  jobs: new Map(),
  environments: new Map(),
};

/**
 * Loads the users, jobs and environments of `deployments` in at most three queries, whatever their
 * number. Environments already at hand (`known`, e.g. the page of environments being listed) are
 * not read again.
 */
export async function loadDeploymentRelations(
  repositories: { deployments: DeploymentRepository; environments: EnvironmentRepository },
  deployments: readonly DeploymentRow[],
  known: readonly EnvironmentRow[] = [],
): Promise<DeploymentRelations> {
  if (deployments.length === 0) return NO_RELATIONS;
  const environments = new Map<number, DeploymentEnvironment>(
    known.map((row) => [row.id, { id: row.id, name: row.name, slug: row.slug }]),
  );
  const ids = (pick: (row: DeploymentRow) => number | null) => [
    ...new Set(deployments.map(pick).filter((id): id is number => id !== null)),
  ];
  const missingEnvironments = ids((row) => row.environment_id).filter((id) => !environments.has(id));
  const [users, jobs, more] = await Promise.all([
    repositories.deployments.findUsers(ids((row) => row.user_id)),
    repositories.deployments.findJobs(ids((row) => row.job_id)),
    repositories.environments.findMany(missingEnvironments),
  ]);
  for (const row of more) environments.set(row.id, { id: row.id, name: row.name, slug: row.slug });
  return {
    users: new Map(users.map((user) => [user.id, user])),
    jobs: new Map(jobs.map((job) => [job.id, job])),
    environments,
  };
}
