import type { JobCompletion } from '../scheduler/job-completion.ts';
import type { JobLogStore } from '../scheduler/job-log-store.ts';
import type { DeploymentRow } from '../store/repositories/deployment-repository.ts';
import type { EnvironmentRepository } from '../store/repositories/environment-repository.ts';
import type { JobRow } from '../store/repositories/job-repository.ts';
import type { ProjectRepository } from '../store/repositories/project-repository.ts';
import type { TargetRepository } from '../store/repositories/target-repository.ts';
import type { Target } from './target.ts';

/**
 * Runs `deploy:` jobs on the server, with no runner: finds the target serving the job's
 * environment (the most specific `environment_scope`, project targets first) and hands the
 * deployment to it. A job without a target, or whose target kind cannot deploy, fails saying so.
 */
export class ServerDeployer {
  readonly #deps: ServerDeployerDeps;
  readonly #targets: Map<string, Target>;

  constructor(deps: ServerDeployerDeps) {
    this.#deps = deps;
    this.#targets = new Map(deps.kinds.map((target) => [target.kind, target]));
  }

  async run(job: JobRow, deployment: DeploymentRow | undefined): Promise<void> {
    try {
      const line = await this.#start(job, deployment);
      await this.#deps.logs.open(job.id, []);
      await this.#deps.logs.append(job.id, Buffer.from(`${line}\r\n`));
    } catch (error) {
      await this.#deps.completion.finish(
        job.id,
        null,
        { status: 'failed', exitCode: null, failureReason: 'runner_system_failure', dotenv: null },
        `ERROR: ${(error as Error).message}`,
      );
    }
  }

  async #start(job: JobRow, deployment: DeploymentRow | undefined): Promise<string> {
    if (!deployment) throw new Error(`job ${job.name} has deploy: but records no deployment`);
    const environment = await this.#deps.environments.findById(deployment.environment_id);
    const project = await this.#deps.projects.findById(job.project_id);
    if (!environment || !project) throw new Error(`the environment or project of job ${job.name} is gone`);
    const target = await this.#deps.targetRows.findForEnvironment(project.id, environment.name);
    if (!target) {
      throw new Error(
        `no target serves environment ${environment.name}: register one whose environment_scope matches it`,
      );
    }
    const kind = this.#targets.get(target.kind);
    if (!kind)
      throw new Error(`target ${target.name} is of kind ${target.kind}, which cannot run deploy: jobs`);
    return kind.deploy({ job, deployment, environment, project, target });
  }
}

export interface ServerDeployerDeps {
  kinds: Target[];
  targetRows: TargetRepository;
  environments: EnvironmentRepository;
  projects: ProjectRepository;
  logs: JobLogStore;
  completion: JobCompletion;
}
