/**
 * A validated, normalized pipeline file: includes merged, `extends` and `default:` applied, every
 * keyword checked and converted. It is plain JSON-compatible data, independent of any one pipeline's
 * context; `planPipeline` turns it into a plan for a ref. Positions are kept only where planning can
 * still find a problem (a `needs` entry naming a job that the rules left out).
 */
import type { Expression } from './expression-parser.ts';
import type { SourcePosition } from './yaml-node.ts';

/** The whole pipeline file, normalized. */
export interface PipelineDefinition {
  /** Every file read: the main file first, then included files in the order they were loaded. */
  files: string[];
  /** Declared stage order, `.pre` first and `.post` last. */
  stages: string[];
  /** Global `variables:`. */
  variables: VariableDefinition[];
  workflow: WorkflowDefinition;
  /** Visible jobs, in definition order (included files' jobs first, as GitLab merges them). */
  jobs: JobDefinition[];
}

/** One entry of `variables:` (global, job or rule). */
export interface VariableDefinition {
  name: string;
  /** The value as written (numbers already turned into strings). */
  value: string;
  /** `expand: false` keeps `$` references in the value literal. */
  expand: boolean;
  /** Top-level `description:` (shown for manually run pipelines); null elsewhere. */
  description: string | null;
  /** Top-level `options:` (the values offered for a manual run); null when absent. */
  options: string[] | null;
}

/** `workflow:`. */
export interface WorkflowDefinition {
  /** `workflow:name`, unexpanded. */
  name: string | null;
  /** null when `workflow:rules` is absent (every pipeline is created). */
  rules: RuleDefinition[] | null;
}

/** A rule's `when:`; `workflow:rules` use only `always` and `never`. */
export type RuleWhen = 'on_success' | 'on_failure' | 'always' | 'manual' | 'delayed' | 'never';

/** A parsed `rules:if` or `only:variables` expression with its text. */
export interface ConditionSource {
  /** The expression as written, for display. */
  text: string;
  expression: Expression;
}

/** `rules:changes`. */
export interface ChangesCondition {
  paths: string[];
  /** `compare_to`: a ref to compare with instead of the push's previous commit. */
  compareTo: string | null;
}

/** One entry of `rules:` (jobs) or `workflow:rules:`. Absent clauses are null. */
export interface RuleDefinition {
  if: ConditionSource | null;
  changes: ChangesCondition | null;
  exists: string[] | null;
  when: RuleWhen | null;
  /** Job rules only. */
  allowFailure: boolean | null;
  startInSeconds: number | null;
  variables: VariableDefinition[];
}

/** `only:` or `except:`; each present clause must match (the clauses are ANDed, as in GitLab). */
export interface RefFilter {
  /** Ref names, `/regex/flags` patterns and keywords such as `branches`, `tags`, `schedules`. */
  refs: string[] | null;
  variables: ConditionSource[] | null;
  changes: string[] | null;
}

/** A job's own `when:`. */
export type JobWhen = 'on_success' | 'on_failure' | 'always' | 'manual' | 'delayed' | 'never';

/** One `needs:` entry, with where it is written (for plan-time errors). */
export interface NeedDefinition {
  job: string;
  artifacts: boolean;
  optional: boolean;
  position: SourcePosition;
}

/** `artifacts:`. */
export interface ArtifactsDefinition {
  paths: string[];
  /** null when `expire_in: never`; GitLab's default of 30 days when absent. */
  expireInSeconds: number | null;
  when: 'on_success' | 'on_failure' | 'always';
  dotenv: string | null;
  name: string | null;
}

/** `environment:action`. */
export type EnvironmentAction = 'start' | 'prepare' | 'verify' | 'access' | 'stop';
/** `environment:deployment_tier`. */
export type DeploymentTier = 'production' | 'staging' | 'testing' | 'development' | 'other';

/** `environment:`. */
export interface EnvironmentDefinition {
  /** Unexpanded: the server expands it when the job runs. */
  name: string;
  url: string | null;
  action: EnvironmentAction;
  onStop: string | null;
  autoStopInSeconds: number | null;
  deploymentTier: DeploymentTier | null;
  kubernetesNamespace: string | null;
}

/** `retry:` (max 0 to 2, for the listed failure reasons). */
export interface RetryDefinition {
  max: number;
  when: string[];
}

/**
 * Gantry's `deploy:` keyword, normalized. Container targets (Kubernetes, Podman) take `manifests`;
 * file targets (SSH) take `files`; which one a deployment needs is known once its target is.
 */
export interface DeploySpec {
  /** A file or directory of manifests, a kustomization directory or a Helm chart directory. */
  manifests: string | null;
  /** Container name → image (unexpanded). */
  images: Record<string, string>;
  /** Only these containers change (a partial rollout); null = every container in `images`. */
  containers: string[] | null;
  strategy: { steps: number[]; pauseSeconds: number } | null;
  timeoutSeconds: number | null;
  /** What a file target ships: a directory (or file) of the job's workspace, where the artifacts of the jobs it depends on are. */
  files: string | null;
  /** How a release is made live on hosts (SSH targets); null when no release key is given. */
  release: ReleaseSpec | null;
  /** How files are published to a bucket (S3 targets); null when no bucket key is given. */
  site: SiteSpec | null;
  /** What is published to a Maven repository (Maven targets); null without `maven:`. */
  maven: MavenSpec | null;
  /** The playbook an Ansible target runs, a path in the repository at the deployment's commit. */
  playbook: string | null;
  /** A dry run (Ansible's check mode): reports what would change, changes nothing, moves no environment. */
  check: boolean;
}

/** `deploy:maven`: the coordinates (unexpanded) and the files among `deploy:files`. */
export interface MavenSpec {
  groupId: string;
  artifactId: string;
  version: string;
  /** A POM among the files; null: a minimal one is made. */
  pom: string | null;
  /** Files among `deploy:files`; `extension` null: taken from the file name. */
  artifacts: { file: string; classifier: string | null; extension: string | null }[];
}

/** The bucket keys of `deploy:`: headers of the published files, and whether removed files go. */
export interface SiteSpec {
  /** The first rule whose glob matches a file gives its Cache-Control. */
  cacheControl: { pattern: string; value: string }[];
  /** Extension (without the dot) → media type, over the built-in table. */
  contentTypes: Record<string, string>;
  /** Delete live files the new release no longer has. */
  deleteRemoved: boolean;
}

/** The release steps of `deploy:` for targets that switch a release directory on hosts. */
export interface ReleaseSpec {
  /** Commands run in the new release's directory before it goes live. */
  before: string[];
  /** Commands run in the live release's directory once it passed its health check. */
  after: string[];
  healthCheck: HealthCheckSpec | null;
  /** Releases kept on each host (the live one included); null: the target's default. */
  keepReleases: number | null;
  /** Run in the live release's directory when the environment stops. */
  stop: string | null;
}

/** A release's health check: a command on the host, or a URL Gantry fetches; retried until its timeout. */
export interface HealthCheckSpec {
  command: string | null;
  url: string | null;
  timeoutSeconds: number;
}

/** One visible job after `extends` and `default:`, every keyword normalized. */
export interface JobDefinition {
  name: string;
  /** Where the job's key is (in the file that defined it last). */
  position: SourcePosition;
  stage: string;
  when: JobWhen;
  startInSeconds: number | null;
  /** Explicit `allow_failure: true/false`; null when absent (the default then depends on `when`). */
  allowFailure: boolean | null;
  allowFailureExitCodes: number[];
  rules: RuleDefinition[] | null;
  only: RefFilter | null;
  except: RefFilter | null;
  needs: NeedDefinition[] | null;
  dependencies: string[] | null;
  image: string | null;
  beforeScript: string[];
  script: string[];
  afterScript: string[];
  /** The job's own variables (after `extends`); global ones stay in `PipelineDefinition.variables`. */
  variables: VariableDefinition[];
  artifacts: ArtifactsDefinition | null;
  environment: EnvironmentDefinition | null;
  resourceGroup: string | null;
  retry: RetryDefinition;
  timeoutSeconds: number | null;
  tags: string[];
  interruptible: boolean;
  deploy: DeploySpec | null;
}
