import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { EventBus } from '../events/event-bus.ts';
import { ArtifactStore } from '../scheduler/artifact-store.ts';
import { CiTimers } from '../scheduler/ci-timers.ts';
import { JobCompletion } from '../scheduler/job-completion.ts';
import { parseDefinition } from '../scheduler/job-definition.ts';
import { JobDispatcher } from '../scheduler/job-dispatcher.ts';
import { JobLogStore } from '../scheduler/job-log-store.ts';
import { type CiVariableSource, JobSpecBuilder } from '../scheduler/job-spec-builder.ts';
import { PipelineProcessor } from '../scheduler/pipeline-processor.ts';
import { RunnerGateway } from '../scheduler/runner-gateway.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { ArtifactRepository } from '../store/repositories/artifact-repository.ts';
import { JobRepository } from '../store/repositories/job-repository.ts';
import { PipelineRepository } from '../store/repositories/pipeline-repository.ts';
import type { ProjectRepository } from '../store/repositories/project-repository.ts';
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
  leaseSeconds: number;
  maxArtifactBytes: number;
  log: (line: string) => void;
}): Promise<CiEngine> {
  const jobs = new JobRepository(deps.db);
  const pipelines = new PipelineRepository(deps.db);
  const runners = new RunnerRepository(deps.db);
  const artifacts = new ArtifactRepository(deps.db);
  const artifactFiles = new ArtifactStore(join(deps.dataDir, 'artifacts'), deps.maxArtifactBytes);
  const logs = new JobLogStore(join(deps.dataDir, 'logs'), (jobId, size) =>
    deps.bus.publish('job-log', { jobId, size }),
  );
  await artifactFiles.init();
  await logs.init();

  // The processor and dispatcher call each other through these late-bound hooks.
  let dispatcher: JobDispatcher | undefined;
  let timers: CiTimers | undefined;
  const processor = new PipelineProcessor({
    jobs,
    pipelines,
    bus: deps.bus,
    onQueued: () => dispatcher?.kick(),
    onScheduled: () => timers?.armDelayed(),
  });
  const completion = new JobCompletion({ jobs, logs, processor, secrets: deps.secrets, bus: deps.bus });
  const specs = new JobSpecBuilder({
    jobs,
    pipelines,
    projects: deps.projects,
    users: deps.users,
    artifacts,
    variables: deps.variables,
    secrets: deps.secrets,
    externalUrl: deps.externalUrl,
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
    onQueued: () => dispatcher.kick(),
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
    async start() {
      for (const pipeline of await pipelines.listUnfinished()) await processor.process(pipeline.id);
      timers.start();
      dispatcher.kick();
    },
    async stop() {
      timers.stop();
      await dispatcher.idle();
      await processor.idle();
      await logs.closeAll();
    },
  };
}
