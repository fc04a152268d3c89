import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { EventBus } from '../events/event-bus.ts';
import { ArtifactStore } from '../scheduler/artifact-store.ts';
import { CiTimers } from '../scheduler/ci-timers.ts';
import { DeploymentGate, type GatePolicy } from '../scheduler/deployment-gate.ts';
import { DeploymentRecorder } from '../scheduler/deployment-recorder.ts';
import { JobCompletion } from '../scheduler/job-completion.ts';
import { type JobDefinition, parseDefinition } from '../scheduler/job-definition.ts';
import { JobDispatcher } from '../scheduler/job-dispatcher.ts';
import { JobLogStore } from '../scheduler/job-log-store.ts';
import {
  type CiVariableSource,
  DEFAULT_JOB_TIMEOUT_SECONDS,
  JobSpecBuilder,
  type JobSpecBuilderDeps,
} from '../scheduler/job-spec-builder.ts';
import { PipelineProcessor } from '../scheduler/pipeline-processor.ts';
import { RunnerGateway } from '../scheduler/runner-gateway.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { ArtifactRepository } from '../store/repositories/artifact-repository.ts';
import { DeploymentLockRepository } from '../store/repositories/deployment-lock-repository.ts';
import { DeploymentRepository, type DeploymentRow } from '../store/repositories/deployment-repository.ts';
import { EnvironmentRepository } from '../store/repositories/environment-repository.ts';
import type { JobRow } from '../store/repositories/job-repository.ts';
import { JobRepository } from '../store/repositories/job-repository.ts';
import { PipelineRepository } from '../store/repositories/pipeline-repository.ts';
import type { ProjectRepository } from '../store/repositories/project-repository.ts';
import { ResourceGroupRepository } from '../store/repositories/resource-group-repository.ts';
import { RunnerRepository } from '../store/repositories/runner-repository.ts';
import type { UserRepository } from '../store/repositories/user-repository.ts';
import type { Database } from '../store/schema.ts';

/** The pipeline engine's parts, wired together: processing, dispatch, completion, runners, timers. */
export interface CiEngine {
  jobs: JobRepository;
  pipelines: PipelineRepository;
  runners: RunnerRepository;
  artifacts: ArtifactRepository;
  artifactFiles: ArtifactStore;
  logs: JobLogStore;
  processor: PipelineProcessor;
  dispatcher: JobDispatcher;
  completion: JobCompletion;
  gateway: RunnerGateway;
  timers: CiTimers;
  environments: EnvironmentRepository;
  deployments: DeploymentRepository;
  locks: DeploymentLockRepository;
  resourceGroups: ResourceGroupRepository;
  recorder: DeploymentRecorder;
  gate: DeploymentGate;
  /** Builds what a runner receives for a job (the server-side deployer reads its variables too). */
  specs: JobSpecBuilder;
  /** Keyed digest of the CI/CD variables that apply to a job (a snapshot's variables version). */
  variablesVersion(job: JobRow, environmentName: string): Promise<string | null>;
  /** Picks up where a previous run stopped: unfinished pipelines, queued and delayed jobs. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function createCiEngine(deps: {
  db: Kysely<Database>;
  dataDir: string;
  bus: EventBus;
  secrets: SecretBox;
  projects: ProjectRepository;
  users: UserRepository;
  variables: CiVariableSource;
  externalUrl: string;
  /** `host[:port]` of the registry jobs push to (`CI_REGISTRY`); null or absent when it is off. */
  registryHost?: string | null;
  leaseSeconds: number;
  maxArtifactBytes: number;
  /** Protected environments, approvals and freezes, as the deployment gate asks them. */
  policy: GatePolicy;
  /** Writes a ref in the project's repository (keeps deployed commits reachable). */
  keepAround(projectId: number, ref: string, sha: string): Promise<void>;
  /** Runs a `deploy:` job on the server once the gate let it through (targets). */
  runOnServer(job: JobRow, deployment: DeploymentRow | undefined): Promise<void>;
  /** What the target of a job's environment hands to the job (JobSpecBuilder `targetVariables`). */
  targetVariables?: JobSpecBuilderDeps['targetVariables'];
  log: (line: string) => void;
}): Promise<CiEngine> {
  const jobs = new JobRepository(deps.db);
  const pipelines = new PipelineRepository(deps.db);
  const runners = new RunnerRepository(deps.db);
  const artifacts = new ArtifactRepository(deps.db);
  const environments = new EnvironmentRepository(deps.db);
  const deployments = new DeploymentRepository(deps.db);
  const locks = new DeploymentLockRepository(deps.db);
  const resourceGroups = new ResourceGroupRepository(deps.db);
  const artifactFiles = new ArtifactStore(join(deps.dataDir, 'artifacts'), deps.maxArtifactBytes);
  const logs = new JobLogStore(join(deps.dataDir, 'logs'), (jobId, size) =>
    deps.bus.publish('job-log', { jobId, size }),
  );
  await artifactFiles.init();
  await logs.init();

  // The processor and dispatcher call each other through these late-bound hooks.
  let dispatcher: JobDispatcher | undefined;
  let timers: CiTimers | undefined;
  let gate: DeploymentGate | undefined;
  const queued = () => {
    dispatcher?.kick();
    gate?.kick();
  };
  const processor = new PipelineProcessor({
    jobs,
    pipelines,
    bus: deps.bus,
    onQueued: queued,
    onScheduled: () => timers?.armDelayed(),
  });
  let recorder: DeploymentRecorder | undefined;
  const completion = new JobCompletion({
    jobs,
    logs,
    processor,
    secrets: deps.secrets,
    bus: deps.bus,
    onJobsCreated: (created, extras) => recorder!.recordJobs(created, extras),
  });
  const variablesVersion = async (job: JobRow, environmentName: string): Promise<string | null> => {
    const pipeline = await pipelines.findById(job.pipeline_id);
    if (!pipeline) return null;
    const resolved = await deps.variables.resolve({
      projectId: job.project_id,
      ref: pipeline.ref,
      refType: pipeline.tag === 1 ? 'tag' : 'branch',
      environmentName,
    });
    const canonical = JSON.stringify(resolved.map((v) => [v.key, v.value, v.file]).sort());
    return deps.secrets.digest(canonical, `variables-version:${job.project_id}`);
  };
  recorder = new DeploymentRecorder({
    jobs,
    pipelines,
    projects: deps.projects,
    environments,
    deployments,
    secrets: deps.secrets,
    bus: deps.bus,
    externalUrl: deps.externalUrl,
    keepAround: deps.keepAround,
    variablesVersion,
    refuse: (...args) => completion.refuse(...args),
  });
  gate = new DeploymentGate({
    jobs,
    deployments,
    environments,
    projects: deps.projects,
    locks,
    resourceGroups,
    policy: deps.policy,
    completion,
    processor,
    bus: deps.bus,
    onQueued: () => dispatcher?.kick(),
    runOnServer: deps.runOnServer,
    serverLeaseSeconds: (definition: JobDefinition) =>
      definition.timeoutSeconds ?? DEFAULT_JOB_TIMEOUT_SECONDS,
    onError: (error) => deps.log(`deployment gate: ${String(error)}`),
  });
  let gateSweep: NodeJS.Timeout | undefined;
  // Deployments follow their jobs; a job that ended frees its locks for the next in line.
  const unsubscribe = deps.bus.on('job', (event) => {
    recorder
      .sync(event.id)
      .catch((error: unknown) => deps.log(`recording deployment of job ${event.id}: ${String(error)}`));
    if (['success', 'failed', 'canceled', 'skipped'].includes(event.status)) {
      gate.released(event.id).catch((error: unknown) => deps.log(`releasing locks: ${String(error)}`));
    } else if (event.status === 'waiting_for_resource') {
      gate.kick();
    }
  });
  const specs = new JobSpecBuilder({
    jobs,
    pipelines,
    projects: deps.projects,
    users: deps.users,
    artifacts,
    variables: deps.variables,
    secrets: deps.secrets,
    externalUrl: deps.externalUrl,
    registryHost: deps.registryHost ?? null,
    environmentOf: async (job) => {
      const deployment = await deployments.findByJobId(job.id);
      const environment = deployment && (await environments.findById(deployment.environment_id));
      return environment
        ? {
            name: environment.name,
            slug: environment.slug,
            tier: environment.tier,
            url: environment.external_url,
          }
        : null;
    },
    deployFrozen: async (projectId, name) =>
      (await deps.policy.activeFreeze(projectId, name ?? '*', new Date())) !== null,
    ...(deps.targetVariables && { targetVariables: deps.targetVariables }),
  });
  dispatcher = new JobDispatcher({
    jobs,
    specs,
    logs,
    bus: deps.bus,
    leaseSeconds: deps.leaseSeconds,
    onClaimFailed: (job, error) => completion.failClaim(job, error),
    onStarted: (job) =>
      void processor.process(job.pipeline_id).catch((error: unknown) => deps.log(String(error))),
    onError: (error) => deps.log(`dispatching jobs failed: ${String(error)}`),
  });
  timers = new CiTimers({
    jobs,
    artifacts,
    artifactFiles,
    completion,
    processor,
    bus: deps.bus,
    leaseSeconds: deps.leaseSeconds,
    artifactCleanupSeconds: 3600,
    onQueued: queued,
    onError: (error) => deps.log(`scheduler timer: ${String(error)}`),
  });
  const gateway = new RunnerGateway({
    runners,
    jobs,
    logs,
    dispatcher,
    completion,
    leaseSeconds: deps.leaseSeconds,
    maskedValues: async (job) => {
      const pipeline = await pipelines.findById(job.pipeline_id);
      if (!pipeline) return [];
      const resolved = await deps.variables.resolve({
        projectId: job.project_id,
        ref: pipeline.ref,
        refType: pipeline.tag === 1 ? 'tag' : 'branch',
        environmentName: parseDefinition(job.definition).environment?.name ?? null,
      });
      // The job token itself cannot be recovered (only its hash is stored); the runner masks it.
      return resolved.filter((v) => v.masked).map((v) => v.value);
    },
    log: deps.log,
  });

  return {
    jobs,
    pipelines,
    runners,
    artifacts,
    artifactFiles,
    logs,
    processor,
    dispatcher,
    completion,
    gateway,
    timers,
    environments,
    deployments,
    locks,
    resourceGroups,
    recorder,
    gate,
    specs,
    variablesVersion,
    async start() {
      for (const pipeline of await pipelines.listUnfinished()) {
        // A crash between creating jobs and recording their deployments leaves them unrecorded.
        await recorder.recordJobs(await jobs.listForPipeline(pipeline.id));
        await processor.process(pipeline.id);
      }
      for (const deployment of await deployments.listUnfinishedWithJob())
        await recorder.sync(deployment.job_id!);
      timers.start();
      dispatcher.kick();
      gate.kick();
      // A safety net: every change kicks the gate, but a kick lost to a failed query must not stall it.
      gateSweep = setInterval(() => gate.kick(), 30_000);
      gateSweep.unref();
    },
    async stop() {
      clearInterval(gateSweep);
      unsubscribe();
      timers.stop();
      await dispatcher.idle();
      await gate.idle();
      await processor.idle();
      await recorder.idle();
      await logs.closeAll();
    },
  };
}
