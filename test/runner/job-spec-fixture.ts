import type { JobSpec, JobVariable } from '../../src/runner/job-spec.ts';

/** A job spec with harmless defaults for tests; `overrides` win (test support only). */
export function jobSpec(overrides: Partial<JobSpec> = {}): JobSpec {
  return {
    id: 42,
    name: 'test-job',
    stage: 'test',
    pipelineId: 7,
    projectId: 3,
    projectPath: 'team/app',
    repositoryUrl: 'http://127.0.0.1:9/team/app.git',
    sha: '0'.repeat(40),
    ref: 'main',
    token: 'job-token-secret',
    image: null,
    beforeScript: [],
    script: ['true'],
    afterScript: [],
    variables: [],
    timeoutSeconds: 60,
    artifacts: null,
    dependencies: [],
    ...overrides,
  };
}

/** A plain (not file, not masked) variable (test support only). */
export function variable(key: string, value: string, extra: Partial<JobVariable> = {}): JobVariable {
  return { key, value, file: false, masked: false, ...extra };
}
