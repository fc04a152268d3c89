import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { buildApp } from '../api/build-app.ts';
import type { GantryApp } from '../api/gantry-app.ts';
import type { ServerConfig } from '../config/server-config.ts';
import { EventBus } from '../events/event-bus.ts';
import { CommitReader } from '../git/commit-reader.ts';
import { DiskRepositoryStorage } from '../git/disk-repository-storage.ts';
import { installHooks } from '../git/push-hook.ts';
import { runGit } from '../git/run-git.ts';
import { exportTree } from '../git/tree-export.ts';
import { MetricStore } from '../metrics/metric-store.ts';
import { MetricsSampler } from '../metrics/metrics-sampler.ts';
import { writePodmanHostFiles } from '../podman/podman-host-files.ts';
import { createGantryRegistry, type GantryRegistry, registryEndpoints } from '../registry/gantry-registry.ts';
import { RegistryRepository } from '../registry/registry-repository.ts';
import { maskedValues } from '../runner/job-spec.ts';
import { AutoStopTimer } from '../scheduler/auto-stop-timer.ts';
import { createPipelineScheduleRunner } from '../scheduler/pipeline-schedule-runner.ts';
import { createRebuildScheduleRunner } from '../scheduler/rebuild-schedule-runner.ts';
import { type ScheduleClock, systemClock } from '../scheduler/schedule-clock.ts';
import type { SchedulePipelineCreator } from '../scheduler/schedule-pipeline-creator.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { loadOrCreateKeyFile, parseSecretKey } from '../secrets/secret-key-source.ts';
import { AuditEventService } from '../services/audit-event-service.ts';
import { AuditLog } from '../services/audit-log.ts';
import { AuthService } from '../services/auth-service.ts';
import { AwaitingApprovalService } from '../services/awaiting-approval-service.ts';
import { CiVariableResolver } from '../services/ci-variable-resolver.ts';
import { CiVariableService } from '../services/ci-variable-service.ts';
import { DeploymentActions } from '../services/deployment-actions.ts';
import { type ApprovalEffects, DeploymentApprovalService } from '../services/deployment-approval-service.ts';
import { DeploymentLockService } from '../services/deployment-lock-service.ts';
import { DeploymentPolicy } from '../services/deployment-policy.ts';
import { DeploymentService } from '../services/deployment-service.ts';
import { EnvironmentLogService } from '../services/environment-log-service.ts';
import { EnvironmentMetricsService } from '../services/environment-metrics-service.ts';
import { EnvironmentOperationsAccess } from '../services/environment-operations-access.ts';
import { EnvironmentSecretService } from '../services/environment-secret-service.ts';
import { EnvironmentService } from '../services/environment-service.ts';
import { EnvironmentShellService } from '../services/environment-shell-service.ts';
import { FreezePeriodService } from '../services/freeze-period-service.ts';
import { GitHttpService } from '../services/git-http-service.ts';
import { JobService } from '../services/job-service.ts';
import { KubernetesEnvironmentService } from '../services/kubernetes-environment-service.ts';
import { LiveEventService } from '../services/live-event-service.ts';
import { LogFanout } from '../services/log-fanout.ts';
import { MemberService } from '../services/member-service.ts';
import { MirrorService } from '../services/mirror-service.ts';
import { PipelineScheduleService } from '../services/pipeline-schedule-service.ts';
import { PipelineService } from '../services/pipeline-service.ts';
import { PodmanEnvironmentService } from '../services/podman-environment-service.ts';
import { ProjectAccess } from '../services/project-access.ts';
import { ProjectHookService } from '../services/project-hook-service.ts';
import { ProjectRoleCheck } from '../services/project-role-check.ts';
import { ProjectService } from '../services/project-service.ts';
import { ProtectedEnvironmentService } from '../services/protected-environment-service.ts';
import { ProtectedRefService } from '../services/protected-ref-service.ts';
import { PushRecorder } from '../services/push-recorder.ts';
import { RebuildScheduleService } from '../services/rebuild-schedule-service.ts';
import { RebuildService } from '../services/rebuild-service.ts';
import { ReleaseService } from '../services/release-service.ts';
import { RunnerService } from '../services/runner-service.ts';
import { TargetService } from '../services/target-service.ts';
import { UserService } from '../services/user-service.ts';
import { openStore, type Store } from '../store/database.ts';
import { AccessTokenRepository } from '../store/repositories/access-token-repository.ts';
import { AuditEventRepository } from '../store/repositories/audit-event-repository.ts';
import { AutoDeployRuleRepository } from '../store/repositories/auto-deploy-rule-repository.ts';
import { AwaitingApprovalRepository } from '../store/repositories/awaiting-approval-repository.ts';
import { CiVariableRepository } from '../store/repositories/ci-variable-repository.ts';
import { DeploymentApprovalRepository } from '../store/repositories/deployment-approval-repository.ts';
import { DeploymentRepository } from '../store/repositories/deployment-repository.ts';
import { DeploymentStatusRepository } from '../store/repositories/deployment-status-repository.ts';
import { DueScheduleQueries } from '../store/repositories/due-schedule-queries.ts';
import { EnvironmentMetricRepository } from '../store/repositories/environment-metric-repository.ts';
import { EnvironmentRepository } from '../store/repositories/environment-repository.ts';
import { EnvironmentSecretRepository } from '../store/repositories/environment-secret-repository.ts';
import { FreezePeriodRepository } from '../store/repositories/freeze-period-repository.ts';
import { HookDeliveryRepository } from '../store/repositories/hook-delivery-repository.ts';
import type { JobRow } from '../store/repositories/job-repository.ts';
import { MemberRepository } from '../store/repositories/member-repository.ts';
import { PipelineScheduleRepository } from '../store/repositories/pipeline-schedule-repository.ts';
import {
  HookSubjectRepository,
  ProjectHookRepository,
} from '../store/repositories/project-hook-repository.ts';
import { ProjectRepository } from '../store/repositories/project-repository.ts';
import { ProtectedEnvironmentRepository } from '../store/repositories/protected-environment-repository.ts';
import { ProtectedRefRepository } from '../store/repositories/protected-ref-repository.ts';
import { PushEventRepository } from '../store/repositories/push-event-repository.ts';
import { RebuildScheduleRepository } from '../store/repositories/rebuild-schedule-repository.ts';
import { RebuildSourceRepository } from '../store/repositories/rebuild-source-repository.ts';
import { ReleaseRepository } from '../store/repositories/release-repository.ts';
import { SessionRepository } from '../store/repositories/session-repository.ts';
import { ShellSessionRepository } from '../store/repositories/shell-session-repository.ts';
import { TargetRepository } from '../store/repositories/target-repository.ts';
import { UserRepository } from '../store/repositories/user-repository.ts';
import { ansibleTargetSettings } from '../targets/ansible/ansible-settings.ts';
import { AnsibleTarget } from '../targets/ansible/ansible-target.ts';
import { environmentOperationsOpener } from '../targets/environment-operations-opener.ts';
import { ExternalTarget } from '../targets/external/external-target.ts';
import { KubernetesTarget } from '../targets/kubernetes/kubernetes-target.ts';
import { checkKubernetesTarget } from '../targets/kubernetes/kubernetes-target-check.ts';
import { deleteKubernetesDeployment } from '../targets/kubernetes/kubernetes-teardown.ts';
import { LiveViewCache } from '../targets/kubernetes/live-view-cache.ts';
import { ScriptJobCredentials } from '../targets/kubernetes/script-job-credentials.ts';
import { mavenTargetSettings } from '../targets/maven/maven-settings.ts';
import { MavenTarget } from '../targets/maven/maven-target.ts';
import type { PodmanAccess } from '../targets/podman/podman-connection.ts';
import { PodmanScriptVariables } from '../targets/podman/podman-script-variables.ts';
import { PodmanTarget } from '../targets/podman/podman-target.ts';
import { podmanTargetCheck } from '../targets/podman/podman-target-check.ts';
import { removePodmanDeployment } from '../targets/podman/podman-teardown.ts';
import { S3Target } from '../targets/s3/s3-target.ts';
import { s3TargetSettings } from '../targets/s3/s3-target-settings.ts';
import { ServerDeployer } from '../targets/server-deployer.ts';
import { sftpTargetSettings } from '../targets/sftp/sftp-settings.ts';
import { SftpTarget } from '../targets/sftp/sftp-target.ts';
import { SshScriptVariables } from '../targets/ssh/ssh-script-variables.ts';
import { SshTarget } from '../targets/ssh/ssh-target.ts';
import { sshTargetSettings } from '../targets/ssh/ssh-target-check.ts';
import { TargetTeardown } from '../targets/target-teardown.ts';
import { HookPayloads } from '../webhooks/hook-payloads.ts';
import { ProjectHookEvents } from '../webhooks/project-hook-events.ts';
import { WebhookOutbox } from '../webhooks/webhook-outbox.ts';
import { bootstrapAdmin } from './bootstrap-admin.ts';
import { type CiEngine, createCiEngine } from './ci-engine.ts';
import { ensureDemoProject } from './demo-project.ts';
import { startEmbeddedRunner } from './embedded-runner.ts';

/** A running Gantry server. */
export interface GantryServer {
  app: GantryApp;
  store: Store;
  bus: EventBus;
  /** The pipeline engine (scheduler, dispatcher, runners' gateway). */
  engine: CiEngine;
  /** The address it listens on, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** The image registry at `/v2/` (docs/registry.md). */
  registry: GantryRegistry;
  /** Stops accepting requests, finishes those in flight, stops background work, closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Where one-time messages (the generated admin password) go; stdout by default. */
  announce?: (message: string) => void;
  /** A logger to use instead of pino on stdout (tests pass a silent one). */
  logger?: FastifyBaseLogger;
  /** Accept local mirror URLs (tests only). */
  allowLocalMirrors?: boolean;
  /** Creates the pipelines of pipeline schedules instead of the pipeline service (tests record them). */
  pipelineCreator?: SchedulePipelineCreator;
  /** Time and timers of the pipeline schedule runner (tests). */
  scheduleClock?: ScheduleClock;
  /** Time and timers of the rebuild schedule runner (tests). */
  rebuildScheduleClock?: ScheduleClock;
}

/**
 * Starts Gantry: data directory, secret key, database (migrated), services, HTTP server, mirror
 * schedule, the first admin and (with `--demo`) the demo project. Fails before listening when any
 * of these cannot be set up, naming what was wrong.
 */
export async function startGantryServer(
  config: ServerConfig,
  options: StartOptions = {},
): Promise<GantryServer> {
  const logger =
    options.logger ??
    pino({
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers["private-token"]', 'req.headers.cookie'],
    });
  const announce = options.announce ?? ((message: string) => process.stdout.write(`${message}\n`));
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const repositoriesDir = join(config.dataDir, 'repositories');
  const hooksDir = join(config.dataDir, 'git-hooks');
  const scratchDir = join(config.dataDir, 'tmp');
  await mkdir(repositoriesDir, { recursive: true });
  await rm(scratchDir, { recursive: true, force: true });
  await mkdir(scratchDir, { recursive: true, mode: 0o700 });
  await installHooks(hooksDir);

  const key =
    config.secretKey !== undefined
      ? parseSecretKey(config.secretKey, 'GANTRY_SECRET_KEY')
      : loadOrCreateKeyFile(config.secretKeyFile);
  const secrets = new SecretBox(key);

  const store = openStore(config.databaseUrl, (error) =>
    logger.warn({ err: error }, 'database connection lost; it is reopened on the next query'),
  );
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  const db = store.db;
  const registry = await createGantryRegistry({
    setting: config.registry,
    dataDir: config.dataDir,
    externalUrl: config.externalUrl,
    secrets,
    log: (line) => logger.warn({ component: 'registry' }, line),
    output: (line) => logger.debug({ component: 'registry' }, line),
  });
  // Every podman Gantry starts (build jobs of the embedded runner, the Podman target) reads these.
  const podmanFiles = await writePodmanHostFiles({
    dataDir: config.dataDir,
    settings: config.podman,
    insecureRegistries:
      registry.host !== null && new URL(config.externalUrl).protocol === 'http:' ? [registry.host] : [],
  });
  const users = new UserRepository(db);
  const projectRows = new ProjectRepository(db);
  const targetRows = new TargetRepository(db);
  const memberRows = new MemberRepository(db);
  const pushEvents = new PushEventRepository(db);
  const bus = new EventBus((error, event) => logger.error({ err: error, event }, 'event listener failed'));
  const storage = new DiskRepositoryStorage(repositoriesDir);
  const access = new ProjectAccess(projectRows, memberRows);
  const recorder = new PushRecorder({ events: pushEvents, projects: projectRows, bus });
  const auth = new AuthService({
    users,
    tokens: new AccessTokenRepository(db),
    sessions: new SessionRepository(db),
  });
  const mirrors = new MirrorService({
    projects: projectRows,
    access,
    storage,
    recorder,
    secrets,
    externalUrl: config.externalUrl,
    allowLocalUrls: options.allowLocalMirrors ?? false,
  });
  const projects = new ProjectService({
    projects: projectRows,
    events: pushEvents,
    access,
    storage,
    mirrors,
  });
  const protectedRefs = new ProtectedRefService({
    refs: new ProtectedRefRepository(db),
    projects: projectRows,
    access,
  });
  const ciVariables = new CiVariableResolver({
    variables: new CiVariableRepository(db),
    projects: projectRows,
    protectedRefs,
    secrets,
  });
  const scriptJobCredentials = new ScriptJobCredentials({
    targets: targetRows,
    projects: projectRows,
    secrets,
  });
  const podmanScriptVariables = new PodmanScriptVariables({ targets: targetRows, secrets });
  const sshScriptVariables = new SshScriptVariables({ targets: targetRows, secrets });
  // How the Podman target, its teardown and status reach hosts; session files live in scratchDir.
  const podmanAccess: PodmanAccess = {
    secrets,
    scratchDir,
    podmanBinary: config.podmanBinary,
    ...(podmanFiles.registriesConf !== null && { registriesConf: podmanFiles.registriesConf }),
  };
  const engine = await createCiEngine({
    db,
    dataDir: config.dataDir,
    bus,
    secrets,
    projects: projectRows,
    users,
    variables: ciVariables,
    externalUrl: config.externalUrl,
    registryHost: registry.host,
    leaseSeconds: config.jobLeaseSeconds,
    maxArtifactBytes: config.maxArtifactBytes,
    // The policy, the deployer and the actions are built below; the engine calls them only once running.
    policy: {
      approvalState: (deployment, name) => deploymentPolicy.approvalState(deployment, name),
      mayDeploy: (userId, projectId, name) => deploymentPolicy.mayDeploy(userId, projectId, name),
      activeFreeze: (projectId, name, now) => deploymentPolicy.activeFreeze(projectId, name, now),
    },
    keepAround: async (projectId, ref, sha) => {
      await runGit(['--git-dir', storage.pathOf(projectId), 'update-ref', ref, sha], { timeoutMs: 30_000 });
    },
    runOnServer: (job, deployment) => serverDeployer.run(job, deployment),
    targetVariables: async (job, environment) => [
      ...(await scriptJobCredentials.variablesFor(job, environment)),
      ...(await podmanScriptVariables.variablesFor(job, environment)),
      ...(await sshScriptVariables.variablesFor(job, environment)),
    ],
    log: (line) => logger.warn(line),
  });
  const kickEngine = () => {
    engine.dispatcher.kick();
    engine.gate.kick();
  };
  const pipelines = new PipelineService({
    db,
    projects: projectRows,
    pipelines: engine.pipelines,
    jobs: engine.jobs,
    access,
    storage,
    processor: engine.processor,
    completion: engine.completion,
    dispatcher: engine.dispatcher,
    logs: engine.logs,
    ciVariables,
    secrets,
    bus,
    externalUrl: config.externalUrl,
    onJobsCreated: (created, extras) => engine.recorder.recordJobs(created, extras),
  });
  const jobs = new JobService({
    jobs: engine.jobs,
    pipelineRows: engine.pipelines,
    artifacts: engine.artifacts,
    artifactFiles: engine.artifactFiles,
    logs: engine.logs,
    access,
    pipelines,
    completion: engine.completion,
    processor: engine.processor,
    onQueued: kickEngine,
    beforeDeploy: (actor, job) => deploymentActions.prepareDeploy(actor, job),
  });
  const runners = new RunnerService(engine.runners);
  const roles = new ProjectRoleCheck(memberRows);
  // Protected environments, approvals, freeze periods and the audit log; the deploy engine uses
  // auditLog and deploymentPolicy too.
  const auditLog = new AuditLog(new AuditEventRepository(db));
  const protectedEnvironmentRows = new ProtectedEnvironmentRepository(db);
  const freezePeriodRows = new FreezePeriodRepository(db);
  const approvalRows = new DeploymentApprovalRepository(db);
  const deploymentPolicy = new DeploymentPolicy({
    protectedEnvironments: protectedEnvironmentRows,
    approvals: approvalRows,
    freezePeriods: freezePeriodRows,
    members: memberRows,
    users,
  });
  const autoDeployRules = new AutoDeployRuleRepository(db);
  // A job's variables as its runner would get them (deployers expand images and coordinates with them).
  const jobVariables = async (job: JobRow) => {
    const spec = await engine.specs.build(job, '');
    return new Map(spec.variables.map((variable) => [variable.key, variable.value]));
  };
  const kubernetesTarget = new KubernetesTarget({
    secrets,
    deployments: engine.deployments,
    exportTree: (projectId, sha) => exportTree(storage.pathOf(projectId), sha),
    jobVariables,
    environmentSecrets: (projectId, name) => environmentSecrets.secretSetForEnvironment(projectId, name),
    variablesVersion: (job, name) => engine.variablesVersion(job, name),
  });
  const podmanTarget = new PodmanTarget({
    ...podmanAccess,
    deployments: engine.deployments,
    statuses: new DeploymentStatusRepository(db),
    exportTree: (projectId, sha) => exportTree(storage.pathOf(projectId), sha),
    jobVariables,
    variablesVersion: (job, name) => engine.variablesVersion(job, name),
    ...(registry.host !== null && {
      registry: {
        host: registry.host,
        pullCredential: (projectId, ttlSeconds) => registry.mintPullCredential(projectId, ttlSeconds),
      },
    }),
  });
  // What the deployers of SSH, SFTP, S3, Maven and Ansible targets share: where they record, the
  // secrets, a scratch directory, and what a deploy: job ships (the artifacts of the jobs it depends on).
  const hostTargetDeps = {
    deployments: engine.deployments,
    statuses: new DeploymentStatusRepository(db),
    secrets,
    scratchDir,
    variablesVersion: (job: JobRow, name: string) => engine.variablesVersion(job, name),
    dependencies: (job: JobRow) => engine.specs.artifactDependencies(job),
    archiveOf: async (jobId: number) => {
      const row = await engine.artifacts.find(jobId);
      return row ? engine.artifactFiles.pathOf(row.file) : null;
    },
  };
  const sshTarget = new SshTarget(hostTargetDeps);
  const s3Target = new S3Target(hostTargetDeps);
  const sftpTarget = new SftpTarget(hostTargetDeps);
  const mavenTarget = new MavenTarget({ ...hostTargetDeps, jobVariables });
  const ansibleTarget = new AnsibleTarget({
    ...hostTargetDeps,
    jobs: engine.jobs,
    exportTree: (projectId, sha) => exportTree(storage.pathOf(projectId), sha),
    jobVariables,
  });
  const deploymentActions = new DeploymentActions({
    access,
    pipelines: engine.pipelines,
    jobs: engine.jobs,
    environments: engine.environments,
    deployments: engine.deployments,
    autoDeployRules,
    policy: deploymentPolicy,
    audit: auditLog,
    completion: engine.completion,
    pipelineService: pipelines,
    onQueued: kickEngine,
    resolveRef: async (projectId, ref) =>
      (await new CommitReader(storage.pathOf(projectId)).resolve(ref))?.sha,
    stopOnTarget: (environment, userId) => targetTeardown.stop(environment, userId),
    rollouts: {
      promote: (id) => kubernetesTarget.promote(id),
      abort: (id, reason) => kubernetesTarget.abort(id, reason),
    },
  });
  const targetTeardown = new TargetTeardown({
    deployments: engine.deployments,
    environments: engine.environments,
    targets: targetRows,
    recorder: engine.recorder,
    steps: {
      kubernetes: (target, snapshot) => deleteKubernetesDeployment(target, snapshot, secrets),
      podman: (target, snapshot) => removePodmanDeployment(target, snapshot, podmanAccess),
      ssh: (target, snapshot) => sshTarget.stop(target, snapshot, (line) => logger.info(line)),
      s3: (target, snapshot) => s3Target.stop(target, snapshot),
      sftp: (target, snapshot) => sftpTarget.stop(target, snapshot),
      ansible: (target, snapshot, projectId) =>
        ansibleTarget.stop(target, snapshot, projectId, (line) => logger.info(line)),
    },
    log: (line) => logger.warn(line),
  });
  const approvalEffects: ApprovalEffects = deploymentActions.approvalEffects;
  const autoStop = new AutoStopTimer({
    environments: engine.environments,
    stopDue: (now) => deploymentActions.stopDue(now),
    onError: (error) => logger.error({ err: error }, 'auto-stopping environments failed'),
  });
  const logFailure = (what: string) => (error: unknown) => logger.error({ err: error }, what);
  // A successful pipeline deploys where auto-deploy rules say; a deleted branch stops its
  // environments; a deployment that succeeded may have set an auto-stop time.
  bus.on('pipeline', (event) => {
    if (event.status !== 'success') return;
    deploymentActions.pipelineSucceeded(event.id).catch(logFailure('auto-deploy failed'));
  });
  bus.on('push', (event) => {
    if (!/^0+$/.test(event.after) || !event.ref.startsWith('refs/heads/')) return;
    deploymentActions
      .branchDeleted(event.projectId, event.ref.slice('refs/heads/'.length), event.userId)
      .catch(logFailure('stopping the environments of a deleted branch failed'));
  });
  bus.on('deployment', (event) => {
    if (event.status === 'success') autoStop.arm();
  });
  const scheduleClock = options.scheduleClock ?? systemClock;
  const scheduleRows = new PipelineScheduleRepository(db);
  const schedulePipelines: SchedulePipelineCreator = options.pipelineCreator ?? pipelines;
  const scheduleRunner = createPipelineScheduleRunner({
    schedules: new DueScheduleQueries(db, 'pipeline_schedules'),
    pipelines: schedulePipelines,
    secrets,
    clock: scheduleClock,
    onError: (error, scheduleId) => logger.error({ err: error, scheduleId }, 'pipeline schedule run failed'),
  });
  const pipelineSchedules = new PipelineScheduleService({
    schedules: scheduleRows,
    access,
    roles,
    secrets,
    storage,
    pipelines: schedulePipelines,
    now: () => scheduleClock.now(),
    onChange: () => scheduleRunner.wake(),
  });
  // Rebuilds of what is deployed, and the schedules that start them (as their owners).
  const rebuildSources = new RebuildSourceRepository(db);
  const rebuilds = new RebuildService({
    access,
    policy: deploymentPolicy,
    sources: rebuildSources,
    pipelines,
  });
  const rebuildScheduleRows = new RebuildScheduleRepository(db);
  const rebuildClock = options.rebuildScheduleClock ?? systemClock;
  const rebuildSchedules = new RebuildScheduleService({
    schedules: rebuildScheduleRows,
    access,
    roles,
    rebuilds,
    sources: rebuildSources,
    users,
    now: () => rebuildClock.now(),
    onChange: () => rebuildScheduleRunner.wake(),
  });
  const rebuildScheduleRunner = createRebuildScheduleRunner({
    schedules: new DueScheduleQueries(db, 'rebuild_schedules'),
    rebuilds: rebuildSchedules,
    clock: rebuildClock,
    onError: (error, scheduleId) => logger.error({ err: error, scheduleId }, 'rebuild schedule run failed'),
  });
  // Outgoing webhooks: project hooks and targets (external deployers) share one outbox, the
  // hook_deliveries table, whose worker signs, sends and retries; bus events become hook deliveries.
  const projectHookRows = new ProjectHookRepository(db);
  const hookDeliveryRows = new HookDeliveryRepository(db);
  const webhooks = new WebhookOutbox({
    deliveries: hookDeliveryRows,
    hooks: projectHookRows,
    targets: targetRows,
    secrets,
    ...(config.hookBackoffSeconds && { backoffSeconds: config.hookBackoffSeconds }),
    onError: (error, deliveryId) => logger.error({ err: error, deliveryId }, 'webhook delivery failed'),
  });
  const hookPayloads = new HookPayloads(new HookSubjectRepository(db), config.externalUrl);
  const projectHookEvents = new ProjectHookEvents({
    bus,
    hooks: projectHookRows,
    payloads: hookPayloads,
    outbox: webhooks,
    onError: (error, event) => logger.error({ err: error, event }, 'queuing project hook deliveries failed'),
  });
  projectHookEvents.start();
  // Secrets the deployer hands to environments (environmentSecrets.secretSetForEnvironment).
  const environmentSecrets = new EnvironmentSecretService({
    environmentSecrets: new EnvironmentSecretRepository(db),
    access,
    roles,
    secrets,
    audit: auditLog,
  });
  const serverDeployer = new ServerDeployer({
    maskedValues: async (job) =>
      maskedValues(await engine.specs.build(job, '')).filter((value) => value !== ''),
    kinds: [
      new ExternalTarget(
        (targetId, projectId, event, payload) =>
          webhooks.enqueueForTarget(targetId, projectId, event, payload),
        config.externalUrl,
      ),
      kubernetesTarget,
      podmanTarget,
      sshTarget,
      s3Target,
      mavenTarget,
      sftpTarget,
      ansibleTarget,
    ],
    targetRows,
    environments: engine.environments,
    projects: projectRows,
    logs: engine.logs,
    completion: engine.completion,
    bus,
    jobs: engine.jobs,
    deployments: engine.deployments,
  });
  serverDeployer.start();
  // Every pushed ref becomes a pipeline; failures are logged, never lost silently.
  bus.on('push', (event) => {
    pipelines
      .onPush(event)
      .catch((error: unknown) =>
        logger.error(
          { err: error, projectId: event.projectId, ref: event.ref },
          'creating the pipeline for a push failed',
        ),
      );
  });
  // Watches of the namespaces whose live view is asked for; closed when idle and on shutdown.
  const liveViews = new LiveViewCache({
    onError: (error, where) => logger.warn({ err: error, ...where }, 'live view watch stopped'),
  });
  const operationsAccess = new EnvironmentOperationsAccess({
    access,
    roles,
    policy: deploymentPolicy,
    environments: engine.environments,
    deployments: engine.deployments,
    targets: targetRows,
    open: environmentOperationsOpener({ secrets, podman: podmanAccess }),
  });
  const environmentLogs = new EnvironmentLogService({
    access: operationsAccess,
    fanout: new LogFanout((error) => logger.warn({ err: error }, 'closing a live log source failed')),
  });
  const shellSessions = new ShellSessionRepository(db);
  const environmentShells = new EnvironmentShellService({
    access: operationsAccess,
    roles,
    sessions: shellSessions,
    audit: auditLog,
    idleTimeoutMs: config.shellIdleTimeoutSeconds * 1000,
    onError: (error) => logger.warn({ err: error }, 'recording the end of a shell failed'),
  });
  // Performance graphs (src/metrics/): every running environment sampled each
  // GANTRY_METRICS_INTERVAL_SECONDS into compact chunks, expired ones pruned hourly.
  const metricRows = new EnvironmentMetricRepository(db);
  const metricStore = new MetricStore(metricRows, { retentionDays: config.metricsRetentionDays });
  const metricsSampler = new MetricsSampler({
    environments: metricRows,
    store: metricStore,
    openOperations: (environment) => operationsAccess.openCurrent(environment),
    clock: systemClock,
    intervalSeconds: config.metricsIntervalSeconds,
    scrapeDeny: config.metricsScrapeDeny,
    log: (line) => logger.warn({ component: 'metrics' }, line),
  });
  const environmentMetrics = new EnvironmentMetricsService({
    // Who may read the graphs: whoever may read the environment's logs.
    authorizeRead: async (actor, ref, environmentId) =>
      (await operationsAccess.check(actor, ref, environmentId, 'logs')).environment,
    metrics: metricStore,
    markers: metricRows,
  });
  let closing = false;
  let started = false;
  const registryApi = registryEndpoints(registry, {
    rows: new RegistryRepository(db),
    access,
    roles,
    secrets,
    authenticateToken: (token) => auth.authenticateToken(token),
    authenticateJobToken: (token) => jobs.authenticateJobToken(token),
    log: (message, error) => logger.warn({ err: error }, message),
  });

  const targetService = new TargetService({
    targets: targetRows,
    access,
    roles,
    secrets,
    checkKubernetes: checkKubernetesTarget,
    checkPodman: podmanTargetCheck(scratchDir, config.podmanBinary),
    settings: [
      sshTargetSettings(scratchDir),
      sftpTargetSettings(scratchDir),
      s3TargetSettings(),
      mavenTargetSettings(),
      ansibleTargetSettings(scratchDir),
    ],
  });
  const protectedEnvironmentService = new ProtectedEnvironmentService({
    rules: protectedEnvironmentRows,
    users,
    access,
    roles,
    audit: auditLog,
  });
  const app = await buildApp(
    {
      externalUrl: config.externalUrl,
      bodyLimitBytes: config.bodyLimitBytes,
      webDir: config.webDir,
      auth,
      users: new UserService({ users, tokens: new AccessTokenRepository(db), auth }),
      projects,
      members: new MemberService({ members: memberRows, users, access }),
      mirrors,
      git: new GitHttpService({
        auth,
        jobTokens: jobs,
        access,
        storage,
        recorder,
        hooksDir,
        scratchDir,
        log: (line) => logger.debug({ git: line }, 'git http-backend'),
      }),
      // Ready once everything has started (engine, schedules, embedded runner), until shutdown begins.
      ready: async () => started && !closing && (await store.ping()),
      ciVariables: new CiVariableService({ variables: new CiVariableRepository(db), access, roles, secrets }),
      environments: new EnvironmentService({
        environments: new EnvironmentRepository(db),
        deployments: new DeploymentRepository(db),
        access,
        roles,
        stop: (environment, userId) => deploymentActions.stopEnvironment(environment, userId, false),
      }),
      protectedRefs,
      protectedEnvironments: protectedEnvironmentService,
      freezePeriods: new FreezePeriodService({ periods: freezePeriodRows, access, roles, audit: auditLog }),
      deploymentApprovals: new DeploymentApprovalService({
        approvals: approvalRows,
        deployments: new DeploymentRepository(db),
        environments: new EnvironmentRepository(db),
        policy: deploymentPolicy,
        access,
        audit: auditLog,
        effects: approvalEffects,
      }),
      awaitingApprovals: new AwaitingApprovalService({
        awaiting: new AwaitingApprovalRepository(db),
        environments: new EnvironmentRepository(db),
        policy: deploymentPolicy,
      }),
      auditEvents: new AuditEventService({ events: new AuditEventRepository(db), access, roles }),
      auditLog,
      deploymentPolicy,
      deployments: new DeploymentService({
        access,
        deployments: engine.deployments,
        environments: engine.environments,
        statuses: new DeploymentStatusRepository(db),
        jobs: engine.jobs,
        logs: engine.logs,
        completion: engine.completion,
        recorder: engine.recorder,
        policy: deploymentPolicy,
        audit: auditLog,
      }),
      deploymentActions,
      deploymentLocks: new DeploymentLockService({
        access,
        locks: engine.locks,
        resourceGroups: engine.resourceGroups,
        autoDeployRules,
        gate: engine.gate,
        audit: auditLog,
      }),
      releases: new ReleaseService({ releases: new ReleaseRepository(db), access, storage, recorder, bus }),
      projectHooks: new ProjectHookService({
        hooks: projectHookRows,
        deliveries: hookDeliveryRows,
        access,
        roles,
        secrets,
        payloads: hookPayloads,
        outbox: webhooks,
      }),
      targets: targetService,
      environmentSecrets,
      registry: registryApi.service,
      registryProxy: registryApi.proxy,
      kubernetesEnvironments: new KubernetesEnvironmentService({
        access,
        environments: engine.environments,
        deployments: engine.deployments,
        targets: targetRows,
        secrets,
        liveViews,
      }),
      podmanEnvironments: new PodmanEnvironmentService({
        access,
        environments: engine.environments,
        deployments: engine.deployments,
        targets: targetRows,
        podman: podmanAccess,
      }),
      environmentLogs,
      environmentShells,
      environmentMetrics,
      pipelineSchedules,
      rebuilds,
      rebuildSchedules,
      pipelines,
      jobs,
      runners,
      runnerGateway: engine.gateway,
      onlineRunners: () => new Set([...engine.dispatcher.sessions].map((s) => s.runnerId)),
      bus,
      liveEvents: new LiveEventService({ bus, access }),
    },
    { logger },
  );

  try {
    const admin = await bootstrapAdmin({
      users,
      auth,
      initialAdminToken: config.initialAdminToken,
      announce,
    });
    if (config.demo) {
      const owner = admin ?? (await users.findByUsername('admin'));
      const demo =
        owner &&
        (await ensureDemoProject({
          admin: owner,
          projects,
          storage,
          recorder,
          targets: targetService,
          protectedEnvironments: protectedEnvironmentService,
        }));
      if (demo?.created) {
        announce(`Created the demo project: ${config.externalUrl}/demo/hello.git`);
        if (demo.podmanProblem !== null) {
          announce(
            `The demo project has no Podman target, so its deployments will fail: ${demo.podmanProblem}. Install Podman (as root: apt-get install podman runc catatonit) and add a Podman target in the project's settings.`,
          );
        }
      }
    }
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    await store.close();
    throw error;
  }
  mirrors.startSchedule(config.mirrorIntervalSeconds, (error) =>
    logger.error({ err: error }, 'mirror schedule'),
  );
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  let embeddedRunner: Awaited<ReturnType<typeof startEmbeddedRunner>> | undefined;
  try {
    await engine.start();
    // Shells open when the server stopped ended with it.
    await shellSessions.endInterrupted(new Date().toISOString());
    await registry.start();
    await serverDeployer.recover();
    autoStop.start();
    // Runs schedules missed while the server was down (once each), then sleeps until the next one.
    await scheduleRunner.start();
    await rebuildScheduleRunner.start();
    // Sends deliveries left pending before a restart, then sleeps until the next one is due.
    await webhooks.start();
    metricsSampler.start();
    if (config.runnerConcurrency > 0) {
      embeddedRunner = await startEmbeddedRunner({
        runners,
        runnerRows: engine.runners,
        // The embedded runner reaches the server on loopback, whatever the external URL says.
        url: `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : host}:${port}`,
        dataDir: config.dataDir,
        concurrency: config.runnerConcurrency,
        containersEnvironment: podmanFiles.environment,
        log: (line) => logger.warn({ runner: 'embedded' }, line),
      });
    }
  } catch (error) {
    // Never leave a half-started server listening.
    await app.close();
    await registry.stop();
    liveViews.close();
    await scheduleRunner.stop();
    await rebuildScheduleRunner.stop();
    autoStop.stop();
    await metricsSampler.stop();
    await engine.stop();
    await projectHookEvents.stop();
    await webhooks.stop();
    await mirrors.stop();
    await store.close();
    throw error;
  }
  started = true;

  return {
    app,
    store,
    bus,
    url,
    engine,
    registry,
    async close() {
      closing = true;
      await embeddedRunner?.stop();
      await environmentShells.closeAll();
      await app.close();
      await registry.stop();
      liveViews.close();
      await scheduleRunner.stop();
      await rebuildScheduleRunner.stop();
      autoStop.stop();
      await metricsSampler.stop();
      await serverDeployer.stop();
      // Stops under way record their outcome before the store closes.
      await targetTeardown.idle();
      await engine.stop();
      // Events already received are queued, sends under way finish; pending ones wait for the next start.
      await projectHookEvents.stop();
      await webhooks.stop();
      await mirrors.stop();
      await store.close();
    },
  };
}
