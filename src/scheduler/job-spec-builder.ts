import { type PredefinedVariableInput, predefinedVariables } from '../domain/predefined-variables.ts';
import { expandVariables } from '../pipeline/index.ts';
import type { JobDependency, JobSpec, JobVariable } from '../runner/job-spec.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { ArtifactRepository } from '../store/repositories/artifact-repository.ts';
import type { JobRepository, JobRow } from '../store/repositories/job-repository.ts';
import type { PipelineRepository, PipelineRow } from '../store/repositories/pipeline-repository.ts';
import type { ProjectRepository } from '../store/repositories/project-repository.ts';
import type { UserRepository } from '../store/repositories/user-repository.ts';
import { type JobDefinition, parseDefinition } from './job-definition.ts';
import { latestAttempts } from './pipeline-processor.ts';

/** CI/CD variables (instance and project) that apply to one job. */
export interface CiVariableSource {
  resolve(input: {
    projectId: number;
    ref: string;
    refType: 'branch' | 'tag';
    environmentName: string | null;
  }): Promise<Array<{ key: string; value: string; file: boolean; masked: boolean; raw: boolean }>>;
}

export const DEFAULT_JOB_TIMEOUT_SECONDS = 3600;

/** A pipeline row as the predefined variables read it. */
export function pipelineFacts(pipeline: PipelineRow): PredefinedVariableInput['pipeline'] {
  return {
    id: pipeline.id,
    iid: pipeline.iid,
    source: pipeline.source,
    sha: pipeline.sha,
    beforeSha: pipeline.before_sha,
    ref: pipeline.ref,
    tag: pipeline.tag === 1,
  };
}

export const pipelineVariablesContext = (pipelineId: number) => `pipeline:${pipelineId}:variables`;
export const dotenvContext = (jobId: number) => `job:${jobId}:dotenv`;

/** Pipeline variables given through the API or a schedule, as stored (encrypted JSON). */
export type PipelineVariable = { key: string; value: string; variable_type: 'env_var' | 'file' };

export interface JobSpecBuilderDeps {
  jobs: JobRepository;
  pipelines: PipelineRepository;
  projects: ProjectRepository;
  users: UserRepository;
  artifacts: ArtifactRepository;
  variables: CiVariableSource;
  secrets: SecretBox;
  externalUrl: string;
  /** `host[:port]` of the image registry (`CI_REGISTRY`); absent or null when it is off. */
  registryHost?: string | null;
  /** The environment a job deploys to or stops, as recorded (expanded name, slug, tier, URL). */
  environmentOf?: (job: JobRow) => Promise<JobEnvironment | null>;
  /** Whether a freeze window is in force for the environment (any environment: null). */
  deployFrozen?: (projectId: number, environmentName: string | null) => Promise<boolean>;
  /** What the target serving the environment hands to jobs (a Kubernetes target: `KUBECONFIG`, …). */
  targetVariables?: (job: JobRow, environment: JobEnvironment) => Promise<JobVariable[]>;
}

/** The environment of a job, for `CI_ENVIRONMENT_*`. */
export interface JobEnvironment {
  name: string;
  slug: string;
  tier: string;
  url: string | null;
}

/**
 * Builds the {@link JobSpec} a runner receives. Variables follow GitLab's precedence, lowest first:
 * predefined, global and job `variables:`, dotenv reports of the jobs it depends on, instance and
 * project CI/CD variables, then pipeline variables (API, schedule, manual run).
 */
export class JobSpecBuilder {
  readonly #deps: JobSpecBuilderDeps;

  constructor(deps: JobSpecBuilderDeps) {
    this.#deps = deps;
  }

  async build(job: JobRow, token: string): Promise<JobSpec> {
    const { pipelines, projects, users } = this.#deps;
    const pipeline = await pipelines.findById(job.pipeline_id);
    const project = await projects.findById(job.project_id);
    if (!pipeline || !project) throw new Error(`job ${job.id} lost its pipeline or project`);
    const definition = parseDefinition(job.definition);
    const user =
      pipeline.user_id === null ? null : ((await users.findById(job.user_id ?? pipeline.user_id)) ?? null);
    const sources = await this.#sources(job, definition);
    const dependencies = await this.#withArtifacts(sources);

    const variables = new Map<string, JobVariable>();
    // Values that may reference other variables ($VAR, ${VAR}); predefined and raw ones are literal.
    const expandable = new Set<string>();
    const set = (key: string, value: string, options: Partial<JobVariable> & { expand?: boolean } = {}) => {
      variables.set(key, { key, value, file: options.file ?? false, masked: options.masked ?? false });
      if (options.expand) expandable.add(key);
      else expandable.delete(key);
    };
    const predefined = predefinedVariables({
      serverUrl: this.#deps.externalUrl,
      registryHost: this.#deps.registryHost ?? null,
      project,
      pipeline: pipelineFacts(pipeline),
      job: { id: job.id, name: job.name, stage: job.stage, token },
      user: user && { id: user.id, login: user.username, name: user.name },
    });
    for (const [key, value] of Object.entries(predefined))
      set(key, value, { masked: key === 'CI_JOB_TOKEN' || key === 'CI_REGISTRY_PASSWORD' });
    const recorded = definition.environment ? ((await this.#deps.environmentOf?.(job)) ?? null) : null;
    if (recorded) {
      set('CI_ENVIRONMENT_NAME', recorded.name);
      set('CI_ENVIRONMENT_SLUG', recorded.slug);
      set('CI_ENVIRONMENT_TIER', recorded.tier);
      set('CI_ENVIRONMENT_ACTION', definition.environment!.action);
      const url = definition.environment!.url ?? recorded.url;
      if (url) set('CI_ENVIRONMENT_URL', url, { expand: true });
      // Before the file's and the settings' variables, so a project can still override them.
      for (const variable of (await this.#deps.targetVariables?.(job, recorded)) ?? []) {
        set(variable.key, variable.value, { file: variable.file, masked: variable.masked });
      }
    } else if (definition.environment) {
      set('CI_ENVIRONMENT_NAME', definition.environment.name, { expand: true });
      set('CI_ENVIRONMENT_ACTION', definition.environment.action);
      if (definition.environment.url) set('CI_ENVIRONMENT_URL', definition.environment.url, { expand: true });
    }
    if (await this.#deps.deployFrozen?.(project.id, recorded?.name ?? null)) set('CI_DEPLOY_FREEZE', 'true');
    for (const [key, value] of Object.entries(definition.variables)) set(key, value, { expand: true });
    for (const source of sources) {
      for (const [key, value] of Object.entries(this.#dotenv(source))) set(key, value);
    }
    const ci = await this.#deps.variables.resolve({
      projectId: project.id,
      ref: pipeline.ref,
      refType: pipeline.tag === 1 ? 'tag' : 'branch',
      environmentName: definition.environment?.name ?? null,
    });
    for (const variable of ci) {
      set(variable.key, variable.value, {
        file: variable.file,
        masked: variable.masked,
        expand: !variable.raw,
      });
    }
    for (const variable of this.pipelineVariables(pipeline)) {
      set(variable.key, variable.value, { file: variable.variable_type === 'file', expand: true });
    }
    // One expansion against the values as set (GitLab's runner does the same): no recursion, no loops.
    const lookup = (name: string) => variables.get(name)?.value;
    const expanded = [...expandable].map(
      (key) => [key, expandVariables(variables.get(key)!.value, lookup, { keepUnknown: true })] as const,
    );
    for (const [key, value] of expanded) variables.set(key, { ...variables.get(key)!, value });
    // No variable of any origin (dotenv, API, CI/CD settings) may replace or unmask the job's token.
    set('CI_JOB_TOKEN', token, { masked: true });

    return {
      id: job.id,
      name: job.name,
      stage: job.stage,
      pipelineId: pipeline.id,
      projectId: project.id,
      projectPath: project.path,
      repositoryUrl: `${this.#deps.externalUrl}/${project.path}.git`,
      sha: pipeline.sha,
      ref: pipeline.ref,
      token,
      image: definition.image,
      beforeScript: definition.beforeScript,
      script: definition.script,
      afterScript: definition.afterScript,
      variables: [...variables.values()],
      timeoutSeconds: definition.timeoutSeconds ?? DEFAULT_JOB_TIMEOUT_SECONDS,
      artifacts: definition.artifacts && {
        paths: definition.artifacts.paths,
        dotenv: definition.artifacts.dotenv,
        when: definition.artifacts.when,
      },
      dependencies,
    };
  }

  /** Pipeline variables (API, schedule), decrypted. */
  pipelineVariables(pipeline: PipelineRow): PipelineVariable[] {
    if (pipeline.variables_encrypted === null) return [];
    return JSON.parse(
      this.#deps.secrets.decrypt(pipeline.variables_encrypted, pipelineVariablesContext(pipeline.id)),
    ) as PipelineVariable[];
  }

  /** The earlier jobs whose artifacts this job receives, in order (see #sources), that have artifacts. */
  async artifactDependencies(job: JobRow): Promise<JobDependency[]> {
    return this.#withArtifacts(await this.#sources(job, parseDefinition(job.definition)));
  }

  async #withArtifacts(sources: JobRow[]): Promise<JobDependency[]> {
    const dependencies: JobDependency[] = [];
    for (const source of sources) {
      if (await this.#deps.artifacts.find(source.id))
        dependencies.push({ jobId: source.id, name: source.name });
    }
    return dependencies;
  }

  /**
   * The earlier jobs whose artifacts and dotenv variables this job receives: those named in `needs`
   * with `artifacts: true`, else those in `dependencies`, else every job of earlier stages; only
   * jobs that ran to an end.
   */
  async #sources(job: JobRow, definition: JobDefinition): Promise<JobRow[]> {
    const jobs = latestAttempts(await this.#deps.jobs.listForPipeline(job.pipeline_id));
    const names =
      definition.needs !== null
        ? new Set(definition.needs.filter((need) => need.artifacts).map((need) => need.job))
        : definition.dependencies !== null
          ? new Set(definition.dependencies)
          : null;
    const candidates = jobs.filter((other) =>
      names === null ? other.stage_index < job.stage_index : names.has(other.name) && other.id !== job.id,
    );
    return candidates.filter((candidate) => candidate.status === 'success' || candidate.status === 'failed');
  }

  #dotenv(job: JobRow): Record<string, string> {
    if (job.dotenv_encrypted === null) return {};
    return JSON.parse(this.#deps.secrets.decrypt(job.dotenv_encrypted, dotenvContext(job.id))) as Record<
      string,
      string
    >;
  }
}
