import { refSlug } from './ref-slug.ts';

/** What the predefined `CI_*` variables are computed from. */
export interface PredefinedVariableInput {
  serverUrl: string;
  /** `host[:port]` of the image registry (`CI_REGISTRY`); absent or null when the registry is off. */
  registryHost?: string | null;
  /** The project, in the store's own field names (a project row fits as it is). */
  project: { id: number; name: string; path: string; default_branch: string };
  pipeline: {
    id: number;
    iid: number;
    source: string;
    sha: string;
    beforeSha: string;
    ref: string;
    tag: boolean;
  };
  /** Present for job variables; absent while planning the pipeline (rules see only pipeline variables). */
  job?: { id: number; name: string; stage: string; token: string };
  user?: { id: number; login: string; name: string } | null;
}

/**
 * The predefined variables GitLab sets, as Gantry sets them (the subset the brief lists, plus the
 * common ones scripts rely on). `CI_PROJECT_DIR` and `CI_BUILDS_DIR` are set by the runner.
 */
export function predefinedVariables(input: PredefinedVariableInput): Record<string, string> {
  const { project, pipeline, job, user } = input;
  const projectUrl = `${input.serverUrl}/${project.path}`;
  const namespace = project.path.includes('/') ? project.path.slice(0, project.path.lastIndexOf('/')) : '';
  const variables: Record<string, string> = {
    CI: 'true',
    GANTRY_CI: 'true',
    CI_SERVER_URL: input.serverUrl,
    CI_SERVER_HOST: new URL(input.serverUrl).hostname,
    CI_API_V1_URL: `${input.serverUrl}/api/v1`,
    CI_PROJECT_ID: String(project.id),
    CI_PROJECT_NAME: project.path.split('/').at(-1) ?? project.path,
    CI_PROJECT_TITLE: project.name,
    CI_PROJECT_PATH: project.path,
    CI_PROJECT_PATH_SLUG: refSlug(project.path),
    CI_PROJECT_NAMESPACE: namespace,
    CI_PROJECT_URL: projectUrl,
    CI_REPOSITORY_URL: `${projectUrl}.git`,
    CI_DEFAULT_BRANCH: project.default_branch,
    CI_PIPELINE_ID: String(pipeline.id),
    CI_PIPELINE_IID: String(pipeline.iid),
    CI_PIPELINE_SOURCE: pipeline.source,
    CI_PIPELINE_URL: `${projectUrl}/-/pipelines/${pipeline.id}`,
    CI_COMMIT_SHA: pipeline.sha,
    CI_COMMIT_SHORT_SHA: pipeline.sha.slice(0, 8),
    CI_COMMIT_BEFORE_SHA: pipeline.beforeSha,
    CI_COMMIT_REF_NAME: pipeline.ref,
    CI_COMMIT_REF_SLUG: refSlug(pipeline.ref),
  };
  if (input.registryHost) {
    variables.CI_REGISTRY = input.registryHost;
    variables.CI_REGISTRY_IMAGE = `${input.registryHost}/${project.path.toLowerCase()}`;
  }
  if (pipeline.tag) variables.CI_COMMIT_TAG = pipeline.ref;
  else variables.CI_COMMIT_BRANCH = pipeline.ref;
  if (job) {
    Object.assign(variables, {
      CI_JOB_ID: String(job.id),
      CI_JOB_NAME: job.name,
      CI_JOB_NAME_SLUG: refSlug(job.name),
      CI_JOB_STAGE: job.stage,
      CI_JOB_TOKEN: job.token,
      CI_JOB_URL: `${projectUrl}/-/jobs/${job.id}`,
    });
    // The job token logs in to the registry: pull and push in this project, while the job runs.
    if (input.registryHost) {
      variables.CI_REGISTRY_USER = 'gitlab-ci-token';
      variables.CI_REGISTRY_PASSWORD = job.token;
    }
  }
  if (user) {
    Object.assign(variables, {
      GITLAB_USER_ID: String(user.id),
      GITLAB_USER_LOGIN: user.login,
      GITLAB_USER_NAME: user.name,
    });
  }
  return variables;
}
