import type { EventBus } from '../events/event-bus.ts';
import type { JobCompletion } from '../scheduler/job-completion.ts';
import type { JobLogStore } from '../scheduler/job-log-store.ts';
import type { DeploymentRepository, DeploymentRow } from '../store/repositories/deployment-repository.ts';
import type { EnvironmentRepository } from '../store/repositories/environment-repository.ts';
import type { JobRepository, JobRow } from '../store/repositories/job-repository.ts';
import type { ProjectRepository } from '../store/repositories/project-repository.ts';
import type { TargetRepository } from '../store/repositories/target-repository.ts';
import type { DeployOutcome, DeployRequest, Target } from './target.ts';

/**
 * Runs `deploy:` jobs on the server, with no runner: finds the target serving the job's
 * environment (the most specific `environment_scope`, project targets first) and hands the
 * deployment to it. A job without a target, or whose target kind cannot deploy, fails saying so.
 * Deployments run in the background (the gate that starts them must not wait minutes for a
 * rollout); canceling the job aborts its deployment.
 */
export class ServerDeployer {
  readonly #deps: ServerDeployerDeps;
  readonly #targets: Map<string, Target>;
  readonly #running = new Map<number, { controller: AbortController; done: Promise<void> }>();
  #unsubscribe: (() => void) | undefined;

  constructor(deps: ServerDeployerDeps) {
    this.#deps = deps;
    this.#targets = new Map(deps.kinds.map((target) => [target.kind, target]));
  }

  /** Listens for canceled jobs, to abort their deployments. */
  start(): void {
    this.#unsubscribe = this.#deps.bus.on('job', (event) => {
      if (event.status === 'canceled')
        this.#running.get(event.id)?.controller.abort(new Error('the job was canceled'));
    });
  }

  /** Starts the deployment of a `deploy:` job; resolves once it is under way, not when it ends. */
  async run(job: JobRow, deployment: DeploymentRow | undefined): Promise<void> {
    if (this.#running.has(job.id)) return;
    const controller = new AbortController();
    const entry = { controller, done: Promise.resolve() };
    this.#running.set(job.id, entry);
    // A deployer's log carries what its tools print (a playbook's debug output, a command's): the
    // job's masked variables are masked there as in any job log.
    let masked: string[];
    try {
      masked = await this.#deps.maskedValues(job);
    } catch (error) {
      // Without its masks the log cannot be written safely: the job fails, saying why.
      this.#running.delete(job.id);
      await this.#deps.logs.open(job.id, []);
      await this.#deps.completion.finish(
        job.id,
        null,
        { status: 'failed', exitCode: null, failureReason: 'runner_system_failure', dotenv: null },
        `ERROR: the job's variables could not be read: ${(error as Error).message}`,
      );
      return;
    }
    await this.#deps.logs.open(job.id, masked);
    entry.done = this.#deploy(job, deployment, controller.signal).finally(() => this.#running.delete(job.id));
  }

  /**
   * After a restart: a `deploy:` job the server was running when it stopped has no process
   * behind it any more. Those a target runs to the end (Kubernetes, Podman) fail, saying so — the
   * cluster or host may hold part of the release, and the previous deployment stays the current one. Jobs handed
   * to an external deployer keep waiting for its report.
   */
  async recover(): Promise<number> {
    let failed = 0;
    for (const job of await this.#deps.jobs.listByStatus('running')) {
      if (job.runner_id !== null || this.#running.has(job.id)) continue;
      const deployment = await this.#deps.deployments.findByJobId(job.id);
      const environment = deployment && (await this.#deps.environments.findById(deployment.environment_id));
      if (!environment) continue;
      const target = await this.#deps.targetRows.findForEnvironment(job.project_id, environment.name);
      if (!target || target.kind === 'external') continue;
      await this.#deps.completion.finish(
        job.id,
        null,
        { status: 'failed', exitCode: null, failureReason: 'runner_system_failure', dotenv: null },
        'ERROR: the server stopped while this deployment ran; its outcome is unknown and the previous deployment stays current: deploy again',
      );
      failed++;
    }
    return failed;
  }

  /** Aborts every deployment under way and waits for them to end (server shutdown). */
  async stop(): Promise<void> {
    this.#unsubscribe?.();
    for (const { controller } of this.#running.values())
      controller.abort(new Error('the server is shutting down'));
    await Promise.all([...this.#running.values()].map((entry) => entry.done));
  }

  /** Waits for the deployments under way to end (tests). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running.values()].map((entry) => entry.done));
  }

  async #deploy(job: JobRow, deployment: DeploymentRow | undefined, signal: AbortSignal): Promise<void> {
    let outcome: DeployOutcome;
    try {
      outcome = await this.#start(job, deployment, signal);
    } catch (error) {
      outcome = { status: 'failed', message: (error as Error).message };
    }
    if (outcome.status === 'reported') return;
    if (outcome.status === 'success' && outcome.environmentUrl !== undefined && deployment) {
      await this.#deps.environments.update(deployment.environment_id, {
        external_url: outcome.environmentUrl,
      });
    }
    await this.#deps.completion.finish(
      job.id,
      null,
      outcome.status === 'success'
        ? { status: 'success', exitCode: 0, failureReason: null, dotenv: null }
        : { status: 'failed', exitCode: null, failureReason: 'script_failure', dotenv: null },
      outcome.status === 'failed' ? `ERROR: ${outcome.message}` : undefined,
    );
  }

  async #start(
    job: JobRow,
    deployment: DeploymentRow | undefined,
    signal: AbortSignal,
  ): Promise<DeployOutcome> {
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
    const log: DeployRequest['log'] = {
      line: (text) => this.#deps.logs.append(job.id, Buffer.from(`${text}\r\n`)),
    };
    return kind.deploy({ job, deployment, environment, project, target, log, signal });
  }
}

export interface ServerDeployerDeps {
  kinds: Target[];
  /** The values a job's log must never show (its masked variables). */
  maskedValues(job: JobRow): Promise<string[]>;
  targetRows: TargetRepository;
  environments: EnvironmentRepository;
  projects: ProjectRepository;
  logs: JobLogStore;
  completion: JobCompletion;
  bus: EventBus;
  jobs: JobRepository;
  deployments: DeploymentRepository;
}
