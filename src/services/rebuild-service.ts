import type { Actor } from '../domain/actor.ts';
import { badRequest, forbidden, notFound } from '../domain/errors.ts';
import { groupByCommit, rebuildVariables } from '../domain/rebuild-plan.ts';
import type { PipelineRow } from '../store/repositories/pipeline-repository.ts';
import type { ProjectRow } from '../store/repositories/project-repository.ts';
import type { RebuildSourceRow } from '../store/repositories/rebuild-source-repository.ts';
import type { DeploymentPolicy } from './deployment-policy.ts';
import type { CreatePipelineInput } from './pipeline-service.ts';
import type { ProjectAccess } from './project-access.ts';

/** A pipeline a rebuild created, and the environments it redeploys. */
export interface RebuildPipeline {
  pipeline: PipelineRow;
  environments: string[];
}

/** What a rebuild request created, with the project (for URLs). */
export interface RebuildOutcome {
  project: ProjectRow;
  pipelines: RebuildPipeline[];
}

export interface RebuildServiceDeps {
  access: ProjectAccess;
  policy: Pick<DeploymentPolicy, 'mayDeploy'>;
  sources: { listEnvironments(projectId: number): Promise<RebuildSourceRow[]> };
  pipelines: { createPipeline(input: CreatePipelineInput): Promise<PipelineRow | null> };
}

/**
 * Rebuilds what is deployed (docs/rebuilds.md): for each environment asked for, the commit of its
 * last successful deployment is built again — one pipeline per distinct commit, source `rebuild`,
 * with `GANTRY_REBUILD=1` and no layer cache — and deployed to those environments only. Whoever
 * asks needs what deploying there needs: developer, and the protected environment's deploy rule.
 */
export class RebuildService {
  readonly #deps: RebuildServiceDeps;

  constructor(deps: RebuildServiceDeps) {
    this.#deps = deps;
  }

  /** `POST /projects/:id/environments/:environment_id/rebuild`. */
  async rebuildEnvironment(actor: Actor, projectRef: string, environmentId: number): Promise<RebuildOutcome> {
    const project = await this.#deps.access.require(actor, projectRef, 'push');
    const all = await this.#deps.sources.listEnvironments(project.id);
    const environment = all.find((row) => row.environment_id === environmentId);
    if (!environment) throw notFound('environment');
    return { project, pipelines: await this.#rebuild(actor, project, [running(environment, '')]) };
  }

  /**
   * `POST /projects/:id/rebuild`: the environments named, or (none given) every available
   * environment with a successful deployment. Also what rebuild schedules run, as their owner.
   */
  async rebuildProject(
    actor: Actor,
    projectRef: string,
    names: readonly string[] | null,
  ): Promise<RebuildOutcome> {
    const project = await this.#deps.access.require(actor, projectRef, 'push');
    const all = await this.#deps.sources.listEnvironments(project.id);
    let targets: Deployed[];
    if (names === null) {
      targets = all.flatMap((row) =>
        row.state === 'available' && row.sha !== null ? [running(row, '')] : [],
      );
      if (targets.length === 0) {
        throw badRequest(
          `nothing to rebuild: no environment of ${project.path} runs a successful deployment`,
        );
      }
    } else {
      targets = [];
      for (const [index, name] of names.entries()) {
        if (names.indexOf(name) !== index) continue;
        const row = all.find((candidate) => candidate.name === name);
        if (!row) {
          throw badRequest(`${project.path} has no environment named "${name}"`, [
            { path: `/environments/${index}`, message: 'no such environment' },
          ]);
        }
        targets.push(running(row, `/environments/${index}`));
      }
    }
    return { project, pipelines: await this.#rebuild(actor, project, targets) };
  }

  async #rebuild(actor: Actor, project: ProjectRow, targets: Deployed[]): Promise<RebuildPipeline[]> {
    const refused: string[] = [];
    for (const { environment } of targets) {
      if (!(await this.#deps.policy.mayDeploy(actor.userId, project.id, environment)))
        refused.push(environment);
    }
    if (refused.length > 0) throw forbidden(`you are not allowed to deploy to ${refused.join(', ')}`);

    const created: RebuildPipeline[] = [];
    const notCreated: string[] = [];
    for (const group of groupByCommit(targets)) {
      const pipeline = await this.#deps.pipelines.createPipeline({
        projectId: project.id,
        ref: group.ref,
        sha: group.sha,
        refType: group.tag ? 'tag' : 'branch',
        source: 'rebuild',
        userId: actor.userId,
        variables: rebuildVariables(group.environments),
        rebuildEnvironments: group.environments,
      });
      if (pipeline) created.push({ pipeline, environments: group.environments });
      else notCreated.push(`${group.environments.join(', ')} (${group.sha.slice(0, 8)})`);
    }
    // Pipelines already created stand; the caller compares the environments it asked for.
    if (created.length === 0) {
      throw badRequest(
        `no rebuild pipeline was created for ${notCreated.join('; ')}: the commit has no pipeline file, or its workflow:rules exclude CI_PIPELINE_SOURCE "rebuild"`,
      );
    }
    return created;
  }
}

/** An environment to rebuild: its name and the commit it runs. */
type Deployed = { environment: string; sha: string; ref: string; tag: boolean };

/** The environment's running commit; a 400 naming it when nothing runs there (`path` locates it in the request). */
function running(row: RebuildSourceRow, path: string): Deployed {
  const details = path === '' ? [] : [{ path, message: 'nothing deployed to rebuild' }];
  if (row.sha === null || row.ref === null) {
    throw badRequest(
      `${row.name} has never been deployed successfully: there is nothing to rebuild`,
      details,
    );
  }
  if (row.state !== 'available') {
    throw badRequest(`${row.name} is ${row.state}: deploy it before rebuilding it`, details);
  }
  return { environment: row.name, sha: row.sha, ref: row.ref, tag: row.tag === 1 };
}
