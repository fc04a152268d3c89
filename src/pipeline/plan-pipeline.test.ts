import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadPipeline } from './load-pipeline.ts';
import type { PipelineDefinition } from './pipeline-definition.ts';
import { formatPipelineError } from './pipeline-error.ts';
import type { PlanContext } from './pipeline-plan.ts';
import { compareToRefs, planPipeline, repositoryFactsNeeded } from './plan-pipeline.ts';

async function definition(yaml: string): Promise<PipelineDefinition> {
  const loaded = await loadPipeline('.gitlab-ci.yml', async (path) =>
    path === '.gitlab-ci.yml' ? yaml : undefined,
  );
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.map(formatPipelineError).join('\n'));
  return loaded.definition;
}

function context(ref = 'main', overrides: Partial<PlanContext> = {}): PlanContext {
  const tag = /^v\d/.test(ref);
  return {
    variables: {
      CI_COMMIT_REF_NAME: ref,
      ...(tag ? { CI_COMMIT_TAG: ref } : { CI_COMMIT_BRANCH: ref }),
      CI_DEFAULT_BRANCH: 'main',
    },
    ref,
    refType: tag ? 'tag' : 'branch',
    source: 'push',
    changedFiles: null,
    files: [],
    ...overrides,
  };
}

const summary = (plan: ReturnType<typeof planPipeline>) =>
  plan.jobs.map((job) => `${job.name}:${job.stage}:${job.when}:${job.allowFailure}`);

test('orders jobs by stage, then definition, and lists only stages with jobs', async () => {
  const plan = planPipeline(
    await definition(
      'stages: [a, b, c]\nz: {stage: c, script: x}\ny: {stage: a, script: x}\nx: {stage: c, script: x}\n',
    ),
    context(),
  );
  assert.deepEqual(plan.stages, ['a', 'c']);
  assert.deepEqual(
    plan.jobs.map((job) => [job.name, job.stageIndex]),
    [
      ['y', 0],
      ['z', 1],
      ['x', 1],
    ],
  );
  assert.deepEqual(plan.planErrors, []);
  assert.equal(plan.created, true);
});

test('workflow:rules decide creation and add variables; workflow:name is expanded', async () => {
  const def = await definition(`
variables: {TARGET: none, KEEP: "$TARGET"}
workflow:
  name: "Deploy to $TARGET ($MISSING)"
  rules:
    - if: $CI_COMMIT_TAG
      when: never
    - if: $CI_COMMIT_BRANCH == "main"
      variables: {TARGET: production}
    - when: always
job: {script: x}
`);
  const main = planPipeline(def, context('main'));
  assert.equal(main.name, 'Deploy to production ()');
  assert.deepEqual(main.variables, { TARGET: 'production', KEEP: 'production' });
  assert.equal(planPipeline(def, context('dev')).name, 'Deploy to none ()');
  assert.deepEqual(planPipeline(def, context('v1.0')), {
    created: false,
    reason: 'workflow:rules[0] matched with when: never',
    stages: [],
    variables: {},
    jobs: [],
    planErrors: [],
  });
});

test('a rule without when takes the job when; manual allow_failure depends on where manual comes from', async () => {
  const def = await definition(`
a: {script: x, when: manual, rules: [{if: $CI_COMMIT_BRANCH}]}
b: {script: x, rules: [{if: $CI_COMMIT_BRANCH, when: manual}]}
c: {script: x, when: manual}
d: {script: x, when: manual, allow_failure: false}
e: {script: x, rules: [{when: manual, allow_failure: true}]}
f: {script: x, when: delayed, start_in: 1m, rules: [{if: $CI_COMMIT_BRANCH}]}
g: {script: x, rules: [{when: delayed, start_in: 2m}]}
h: {script: x, allow_failure: {exit_codes: [2]}, rules: [{allow_failure: true, when: on_success}]}
i: {script: x, allow_failure: {exit_codes: [2]}}
`);
  const plan = planPipeline(def, context());
  assert.deepEqual(summary(plan), [
    'a:test:manual:true',
    'b:test:manual:false',
    'c:test:manual:true',
    'd:test:manual:false',
    'e:test:manual:true',
    'f:test:delayed:false',
    'g:test:delayed:false',
    'h:test:on_success:true',
    'i:test:on_success:false',
  ]);
  assert.deepEqual(
    plan.jobs.map((job) => job.startInSeconds),
    [null, null, null, null, null, 60, 120, null, null],
  );
  assert.deepEqual(
    plan.jobs.map((job) => job.allowFailureExitCodes),
    [[], [], [], [], [], [], [], [], [2]],
  );
});

test('needs on excluded jobs: optional ones are dropped, others are plan errors', async () => {
  const def = await definition(`
stages: [build, test]
docs: {stage: build, script: x, rules: [{if: $CI_COMMIT_TAG}]}
build: {stage: build, script: x}
t1: {stage: test, script: x, needs: [build, {job: docs, optional: true}], dependencies: [build, docs]}
t2: {stage: test, script: x, needs: [docs]}
`);
  const plan = planPipeline(def, context('main'));
  assert.equal(plan.created, false);
  assert.deepEqual(plan.jobs.find((job) => job.name === 't1')?.needs, [
    { job: 'build', artifacts: true, optional: false },
  ]);
  assert.deepEqual(plan.jobs.find((job) => job.name === 't1')?.dependencies, ['build']);
  assert.deepEqual(plan.planErrors.map(formatPipelineError), [
    '.gitlab-ci.yml:6:38: job "t2" needs[0]: job "docs" is not in this pipeline (its rules, only or except left it out); add optional: true to the need or align the rules',
  ]);
  assert.equal(plan.reason, plan.planErrors[0]?.message);
  assert.equal(planPipeline(def, context('v1.0')).created, true);
});

test('on_stop is kept only when the stop job is in the pipeline', async () => {
  const def = await definition(`
review:
  script: x
  environment: {name: review, on_stop: stop}
stop:
  script: x
  environment: {name: review, action: stop}
  rules: [{if: $CI_COMMIT_BRANCH != "main", when: manual}]
`);
  assert.equal(planPipeline(def, context('feature')).jobs[0]?.environment?.onStop, 'stop');
  assert.equal(planPipeline(def, context('main')).jobs[0]?.environment?.onStop, null);
});

test('no pipeline when nothing or only .pre/.post jobs are left', async () => {
  const def = await definition('pre: {stage: .pre, script: x}\nj: {script: x, only: [main]}\n');
  assert.equal(planPipeline(def, context('main')).created, true);
  const dev = planPipeline(def, context('dev'));
  assert.deepEqual(
    [dev.created, dev.reason, dev.jobs],
    [false, 'only jobs of the .pre and .post stages would run', []],
  );
  const none = planPipeline(await definition('j: {script: x, except: [branches]}\n'), context('dev'));
  assert.deepEqual(
    [none.created, none.reason],
    [false, 'no job is left: rules, only or except excluded every job'],
  );
});

test('job variables: own and rules variables, rendered for the run-time expansion', async () => {
  const def = await definition(`
variables: {REGION: eu}
j:
  script: x
  variables: {TARGET: "$REGION-cluster", RAW: {value: "$HOME", expand: false}, LATER: "$CI_JOB_ID"}
  rules:
    - if: $CI_COMMIT_BRANCH == "main"
      variables: {TARGET: prod-$REGION}
    - when: on_success
`);
  assert.deepEqual(planPipeline(def, context('main')).jobs[0]?.variables, {
    TARGET: 'prod-eu',
    RAW: '$$HOME',
    LATER: '$CI_JOB_ID',
  });
  assert.deepEqual(planPipeline(def, context('dev')).jobs[0]?.variables, {
    TARGET: 'eu-cluster',
    RAW: '$$HOME',
    LATER: '$CI_JOB_ID',
  });
  assert.deepEqual(planPipeline(def, context('dev')).variables, { REGION: 'eu' });
});

test('compare_to refs are listed expanded for the caller', async () => {
  const def = await definition(`
variables: {BASE: develop}
workflow: {rules: [{changes: {paths: [a], compare_to: main}}, {when: always}]}
j: {script: x, rules: [{changes: {paths: [b], compare_to: refs/heads/$BASE}}]}
`);
  assert.deepEqual(compareToRefs(def, {}), ['main', 'refs/heads/develop']);
  assert.deepEqual(compareToRefs(def, { BASE: 'release' }), ['main', 'refs/heads/release']);
});

test('repositoryFactsNeeded asks for the file list and changed files only when rules use them', async () => {
  const facts = async (text: string) => {
    const loaded = await loadPipeline('.gantry.yml', async (path) =>
      path === '.gantry.yml' ? text : undefined,
    );
    assert.ok(loaded.ok);
    return repositoryFactsNeeded(loaded.definition);
  };
  assert.deepEqual(await facts('a:\n  script: [x]\n'), { files: false, changes: false });
  assert.deepEqual(await facts('a:\n  script: [x]\n  rules:\n    - exists: [Dockerfile]\n'), {
    files: true,
    changes: false,
  });
  assert.deepEqual(await facts('workflow:\n  rules:\n    - changes: [src/**/*]\na:\n  script: [x]\n'), {
    files: false,
    changes: true,
  });
});
