import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { EventBus } from '../events/event-bus.ts';
import type { RegistryProxy } from '../registry/registry-proxy.ts';
import type { RegistryService } from '../registry/registry-service.ts';
import type { RunnerGateway } from '../scheduler/runner-gateway.ts';
import type { AuditEventService } from '../services/audit-event-service.ts';
import type { AuditLog } from '../services/audit-log.ts';
import type { AuthService } from '../services/auth-service.ts';
import type { AwaitingApprovalService } from '../services/awaiting-approval-service.ts';
import type { CiVariableService } from '../services/ci-variable-service.ts';
import type { DeploymentActions } from '../services/deployment-actions.ts';
import type { DeploymentApprovalService } from '../services/deployment-approval-service.ts';
import type { DeploymentLockService } from '../services/deployment-lock-service.ts';
import type { DeploymentPolicy } from '../services/deployment-policy.ts';
import type { DeploymentService } from '../services/deployment-service.ts';
import type { EnvironmentLogService } from '../services/environment-log-service.ts';
import type { EnvironmentMetricsService } from '../services/environment-metrics-service.ts';
import type { EnvironmentSecretService } from '../services/environment-secret-service.ts';
import type { EnvironmentService } from '../services/environment-service.ts';
import type { EnvironmentShellService } from '../services/environment-shell-service.ts';
import type { FreezePeriodService } from '../services/freeze-period-service.ts';
import type { GitHttpService } from '../services/git-http-service.ts';
import type { JobService } from '../services/job-service.ts';
import type { KubernetesEnvironmentService } from '../services/kubernetes-environment-service.ts';
import type { LiveEventService } from '../services/live-event-service.ts';
import type { MemberService } from '../services/member-service.ts';
import type { MirrorService } from '../services/mirror-service.ts';
import type { PipelineScheduleService } from '../services/pipeline-schedule-service.ts';
import type { PipelineService } from '../services/pipeline-service.ts';
import type { PodmanEnvironmentService } from '../services/podman-environment-service.ts';
import type { ProjectHookService } from '../services/project-hook-service.ts';
import type { ProjectService } from '../services/project-service.ts';
import type { ProtectedEnvironmentService } from '../services/protected-environment-service.ts';
import type { ProtectedRefService } from '../services/protected-ref-service.ts';
import type { RebuildScheduleService } from '../services/rebuild-schedule-service.ts';
import type { RebuildService } from '../services/rebuild-service.ts';
import type { ReleaseService } from '../services/release-service.ts';
import type { RunnerService } from '../services/runner-service.ts';
import type { TargetService } from '../services/target-service.ts';
import type { UserService } from '../services/user-service.ts';

/** The Fastify instance type every route module registers on. */
export type GantryApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** What the HTTP layer calls: one service per concern, plus facts for building URLs and probes. */
export interface ApiDeps {
  externalUrl: string;
  bodyLimitBytes: number;
  /** The built web UI served at every path no other route answers (src/api/web-ui-routes.ts). */
  webDir: string;
  auth: AuthService;
  users: UserService;
  projects: ProjectService;
  members: MemberService;
  mirrors: MirrorService;
  git: GitHttpService;
  ciVariables: CiVariableService;
  environments: EnvironmentService;
  protectedRefs: ProtectedRefService;
  protectedEnvironments: ProtectedEnvironmentService;
  freezePeriods: FreezePeriodService;
  deploymentApprovals: DeploymentApprovalService;
  /** Blocked deployments the current user may still approve, across projects. */
  awaitingApprovals: AwaitingApprovalService;
  auditEvents: AuditEventService;
  /** Appends to the audit log (deploys, approvals, rollbacks, stops, lock releases, overrides, rule changes). */
  auditLog: AuditLog;
  /** Protected environment rules, approvals and freezes, as the deploy engine checks them. */
  deploymentPolicy: DeploymentPolicy;
  deployments: DeploymentService;
  deploymentActions: DeploymentActions;
  deploymentLocks: DeploymentLockService;
  releases: ReleaseService;
  projectHooks: ProjectHookService;
  targets: TargetService;
  environmentSecrets: EnvironmentSecretService;
  /** A project's image repositories and tags (the registry API). */
  registry: RegistryService;
  /** Gantry's `/v2/`: the authenticating, streaming proxy to the registry backend. */
  registryProxy: RegistryProxy;
  /** Live view and drift of environments deployed by the Kubernetes deployer. */
  kubernetesEnvironments: KubernetesEnvironmentService;
  /** Live status of environments served by a Podman target. */
  podmanEnvironments: PodmanEnvironmentService;
  environmentLogs: EnvironmentLogService;
  environmentShells: EnvironmentShellService;
  /** Performance graphs of environments: sampled series and deployment markers. */
  environmentMetrics: EnvironmentMetricsService;
  pipelineSchedules: PipelineScheduleService;
  /** Rebuilds of what environments run, and their schedules (docs/rebuilds.md). */
  rebuilds: RebuildService;
  rebuildSchedules: RebuildScheduleService;
  pipelines: PipelineService;
  jobs: JobService;
  runners: RunnerService;
  runnerGateway: RunnerGateway;
  /** Runner ids with an open connection (for the runners API's `online`). */
  onlineRunners(): Set<number>;
  bus: EventBus;
  /** The live-update stream: bus events of the projects a user may read. */
  liveEvents: LiveEventService;
  /** Readiness: true when the database answers and the server is not shutting down. */
  ready(): Promise<boolean>;
}
