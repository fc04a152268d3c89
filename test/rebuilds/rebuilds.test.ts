import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type DeploymentView,
  deploymentEnds,
  deploymentsOf,
  environmentNamed,
  jobEnds,
} from '../deployments/deployment-helpers.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { FakeScheduleClock } from '../support/fake-schedule-clock.ts';
import { scratchDir } from '../support/git-work-tree.ts';
import {
  cloneProject,
  eventually,
  type JobView,
  jobNamed,
  type PipelineView,
  pipelineFor,
  pushFiles,
  trace,
  waitForPipeline,
} from '../support/pipeline-helpers.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';

// Rebuilding what is deployed, end to end on the embedded shell runner with real git: a rebuild
// pipeline runs at the deployed commit with GANTRY_REBUILD=1 and no layer cache, deploys only the
// environments rebuilt (a manual deployment job without a click), keeps approvals, and is marked
// in the deployment history; schedules start rebuilds at their cron time (a fake clock).

/** Build (a fresh id each time, and what it was told), review and staging automatically, production by hand. */
const PIPELINE = `stages: [build, review, staging, production]
build:
  stage: build
  script:
    - echo "rebuild=\${GANTRY_REBUILD:-0} layers=\${BUILDAH_LAYERS:-unset} environments=\${GANTRY_REBUILD_ENVIRONMENTS:-none} source=$CI_PIPELINE_SOURCE"
    - echo "BUILD_ID=$(date +%s%N)" > build.env
  artifacts:
    reports: { dotenv: build.env }
review:
  stage: review
  environment: review/$CI_COMMIT_REF_SLUG
  script: ['echo "deploying build $BUILD_ID to review"']
staging:
  stage: staging
  environment: staging
  script: ['echo "deploying build $BUILD_ID to staging"']
production:
  stage: production
  environment: production
  when: manual
  script: ['echo "deploying build $BUILD_ID to production"']
`;

type Deployment = DeploymentView & { rebuild: boolean; user: { id: number } | null };
type RebuildPipeline = PipelineView & { iid: number; environments: string[] };
interface Schedule {
  id: number;
  environments: string[] | null;
  next_run_at: string | null;
  owner: { id: number } | null;
  last_run: {
    at: string;
    status: string;
    error: string | null;
    pipelines: Array<{ id: number; sha: string; ref: string }>;
  } | null;
}
interface ErrorBody {
  error: { code: string; message: string; details: Array<{ path: string }> };
}

// A Tuesday, noon UTC: the schedule runner's fake time (jobs and deployments keep real time).
const T0 = '2025-06-10T12:00:00.000Z';

for (const dialect of DIALECTS) {
  describe(`rebuilds on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let work: { path: string; cleanup(): Promise<void> };
    let clock: FakeScheduleClock;
    let approver: { id: number; token: string };
    let developer: { id: number; token: string };
    let reporter: { id: number; token: string };
    let projectId: number;
    let clone: string;
    /** The commit production runs (v1) and the one staging and review run (v2). */
    let v1: string;
    let v2: string;
    let productionId: number;
    let firstProductionBuild: string;

    const environmentId = async (name: string) => (await environmentNamed(t, projectId, name)).id;
    const deploymentOfJob = async (jobId: number) =>
      eventually(
        async () =>
          (await deploymentsOf(t, projectId)).find((d) => d.deployable?.id === jobId) as
            | Deployment
            | undefined,
        () => `no deployment for job ${jobId}`,
      );
    const buildIdIn = async (jobId: number) => {
      const match = /deploying build (\d+) to/.exec(await trace(t, projectId, jobId));
      assert.ok(match, `no build id in the log of job ${jobId}`);
      return match[1]!;
    };
    const rebuild = (path: string, token?: string, body?: unknown) =>
      t.api<RebuildPipeline[] & ErrorBody>('POST', `projects/${projectId}/${path}`, {
        ...(token && { token }),
        ...(body !== undefined && { body }),
      });
    const rebuildPipelines = async () =>
      (await t.api<PipelineView[]>('GET', `projects/${projectId}/pipelines?source=rebuild&per_page=100`))
        .body;

    before(async () => {
      clock = new FakeScheduleClock(T0);
      t = await startTestServer(dialect, {
        rebuildScheduleClock: clock,
        env: { GANTRY_RUNNER_CONCURRENCY: '4' },
      });
      work = await scratchDir();
      approver = await createUserWithToken(t, 'rebuild-approver');
      developer = await createUserWithToken(t, 'rebuild-developer');
      reporter = await createUserWithToken(t, 'rebuild-reporter');
      const created = await t.api<{ id: number }>('POST', 'projects', { body: { path: 'rebuild/shop' } });
      assert.equal(created.status, 201);
      projectId = created.body.id;
      for (const [user, level] of [
        [approver, 40],
        [developer, 30],
        [reporter, 20],
      ] as const) {
        const added = await t.api('POST', `projects/${projectId}/members`, {
          body: { user_id: user.id, access_level: level },
        });
        assert.equal(added.status, 201);
      }
      clone = await cloneProject(t, 'rebuild/shop', join(work.path, 'shop'));
    });
    after(async () => {
      await t?.stop();
      await work?.cleanup();
    });

    test('a push deploys review and staging; production is deployed by hand; the next push moves staging on', async () => {
      v1 = await pushFiles(clone, { 'app.txt': 'v1', '.gantry.yml': PIPELINE });
      const first = await waitForPipeline(t, projectId, (await pipelineFor(t, projectId, v1)).id);
      assert.equal(first.pipeline.status, 'success', JSON.stringify(first.jobs));
      assert.equal(jobNamed(first.jobs, 'production').status, 'manual');
      productionId = await environmentId('production');
      const deployed = await t.api<Deployment>(
        'POST',
        `projects/${projectId}/environments/${productionId}/deploy`,
        {
          body: { pipeline_id: first.pipeline.id },
        },
      );
      assert.equal(deployed.status, 201, JSON.stringify(deployed.body));
      const production = await deploymentEnds(t, projectId, deployed.body.id);
      assert.equal(production.status, 'success');
      assert.equal((production as Deployment).rebuild, false);
      firstProductionBuild = await buildIdIn(production.deployable!.id);

      v2 = await pushFiles(clone, { 'app.txt': 'v2' });
      const second = await waitForPipeline(t, projectId, (await pipelineFor(t, projectId, v2)).id);
      assert.equal(second.pipeline.status, 'success', JSON.stringify(second.jobs));
      const staging = await environmentNamed(t, projectId, 'staging');
      assert.equal(staging.last_successful_deployment?.sha, v2);
      const current = await environmentNamed(t, projectId, 'production');
      assert.equal(current.last_successful_deployment?.sha, v1);
    });

    test('rebuilding production builds its deployed commit again and deploys it without a click', async () => {
      const created = await rebuild(`environments/${productionId}/rebuild`);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.length, 1);
      const [pipeline] = created.body;
      assert.equal(pipeline!.sha, v1, 'the deployed commit, not the branch head');
      assert.equal(pipeline!.ref, 'main');
      assert.equal(pipeline!.source, 'rebuild');
      assert.deepEqual(pipeline!.environments, ['production']);

      const { pipeline: done, jobs } = await waitForPipeline(t, projectId, pipeline!.id);
      assert.equal(done.status, 'success', JSON.stringify(jobs.map((j) => [j.name, j.status])));
      const status = (name: string) => jobNamed(jobs, name).status;
      assert.deepEqual(['build', 'review', 'staging', 'production'].map(status), [
        'success',
        'skipped',
        'skipped',
        'success',
      ]);
      assert.match(
        await trace(t, projectId, jobNamed(jobs, 'build').id),
        /rebuild=1 layers=false environments=production source=rebuild/,
      );
      const productionJob = jobNamed(jobs, 'production');
      assert.notEqual(await buildIdIn(productionJob.id), firstProductionBuild, 'a fresh build');

      const deployment = await deploymentOfJob(productionJob.id);
      assert.equal(deployment.status, 'success');
      assert.equal(deployment.rebuild, true);
      assert.equal(deployment.sha, v1);
      const production = await environmentNamed(t, projectId, 'production');
      assert.equal((production.last_deployment as Deployment).rebuild, true);
      assert.equal(production.last_successful_deployment?.sha, v1);
      // Staging and review were left alone: no deployment of theirs in the rebuild pipeline.
      const mine = (await deploymentsOf(t, projectId)).filter((d) => d.pipeline_id === pipeline!.id);
      assert.deepEqual(
        mine.map((d) => d.environment.name),
        ['production'],
      );
      const staging = await environmentNamed(t, projectId, 'staging');
      assert.equal(staging.last_successful_deployment?.sha, v2);
      assert.equal((staging.last_deployment as Deployment).rebuild, false);
    });

    test('rebuilding everything: one pipeline per distinct deployed commit, each deploying its environments', async () => {
      // No body at all: every available environment with a successful deployment.
      const created = await rebuild('rebuild');
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(
        created.body.map((p) => [p.sha, p.environments]),
        [
          [v1, ['production']],
          [v2, ['review/main', 'staging']],
        ],
      );
      for (const pipeline of created.body) {
        const { pipeline: done, jobs } = await waitForPipeline(t, projectId, pipeline.id);
        assert.equal(done.status, 'success', JSON.stringify(jobs.map((j) => [j.name, j.status])));
        const ran = jobs.filter((j) => j.status === 'success' && j.name !== 'build').map((j) => j.name);
        assert.deepEqual(ran, pipeline.sha === v1 ? ['production'] : ['review', 'staging']);
      }
      for (const [name, sha] of [
        ['production', v1],
        ['review/main', v2],
        ['staging', v2],
      ] as const) {
        const environment = await environmentNamed(t, projectId, name);
        assert.equal(environment.last_successful_deployment?.sha, sha, name);
        assert.equal((environment.last_successful_deployment as Deployment).rebuild, true, name);
      }
      // Naming environments rebuilds those only.
      const named = await rebuild('rebuild', undefined, { environments: ['staging'] });
      assert.equal(named.status, 201, JSON.stringify(named.body));
      assert.deepEqual(
        named.body.map((p) => [p.sha, p.environments]),
        [[v2, ['staging']]],
      );
      await waitForPipeline(t, projectId, named.body[0]!.id);
    });

    test('a protected production with a required approval stays blocked until it is approved', async () => {
      const rule = await t.api('POST', `projects/${projectId}/protected_environments`, {
        body: {
          name: 'production',
          deploy_access_levels: [{ access_level: 40 }],
          required_approval_count: 1,
          approval_rules: [{ access_level: 40 }],
        },
      });
      assert.equal(rule.status, 201, JSON.stringify(rule.body));
      const created = await rebuild(`environments/${productionId}/rebuild`);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const pipelineId = created.body[0]!.id;
      const jobs = await t.api<JobView[]>('GET', `projects/${projectId}/pipelines/${pipelineId}/jobs`);
      const productionJob = jobNamed(jobs.body, 'production');
      const blocked = await eventually(
        async () => {
          const d = await deploymentOfJob(productionJob.id);
          return d.status === 'blocked' ? d : undefined;
        },
        () => `the production deployment of pipeline ${pipelineId} never waited for approval`,
      );
      assert.equal((await jobEnds(t, projectId, productionJob.id, ['manual'])).status, 'manual');
      assert.equal(blocked.rebuild, true);

      const approved = await t.api('POST', `projects/${projectId}/deployments/${blocked.id}/approval`, {
        token: approver.token,
        body: { status: 'approved' },
      });
      assert.equal(approved.status, 201, JSON.stringify(approved.body));
      const deployed = await deploymentEnds(t, projectId, blocked.id);
      assert.equal(deployed.status, 'success');
      const { pipeline } = await waitForPipeline(t, projectId, pipelineId);
      assert.equal(pipeline.status, 'success');
    });

    test('who may rebuild: developers where they may deploy; never a reporter; only what runs', async () => {
      const stagingId = await environmentId('staging');
      const byReporter = await rebuild(`environments/${stagingId}/rebuild`, reporter.token);
      assert.equal(byReporter.status, 403, JSON.stringify(byReporter.body));
      assert.equal((await rebuild('rebuild', reporter.token, {})).status, 403);
      const protectedOne = await rebuild(`environments/${productionId}/rebuild`, developer.token);
      assert.equal(protectedOne.status, 403, JSON.stringify(protectedOne.body));
      assert.match(protectedOne.body.error.message, /production/);
      const all = await rebuild('rebuild', developer.token);
      assert.equal(all.status, 403, 'production is part of everything');

      const never = await t.api<{ id: number }>('POST', `projects/${projectId}/environments`, {
        body: { name: 'qa' },
      });
      assert.equal(never.status, 201);
      const undeployed = await rebuild(`environments/${never.body.id}/rebuild`, developer.token);
      assert.equal(undeployed.status, 400, JSON.stringify(undeployed.body));
      assert.match(undeployed.body.error.message, /qa has never been deployed/);
      const named = await rebuild('rebuild', developer.token, { environments: ['staging', 'qa'] });
      assert.equal(named.status, 400);
      assert.deepEqual(
        named.body.error.details.map((d) => d.path),
        ['/environments/1'],
      );
      const unknown = await rebuild('rebuild', developer.token, { environments: ['nowhere'] });
      assert.equal(unknown.status, 400);
      assert.match(unknown.body.error.message, /no environment named "nowhere"/);

      const before = (await rebuildPipelines()).length;
      const allowed = await rebuild(`environments/${stagingId}/rebuild`, developer.token);
      assert.equal(allowed.status, 201, JSON.stringify(allowed.body));
      assert.equal((await rebuildPipelines()).length, before + 1);
      await waitForPipeline(t, projectId, allowed.body[0]!.id);
    });

    test('rebuild schedules: validated, read by reporters, managed by maintainers', async () => {
      const path = `projects/${projectId}/rebuild_schedules`;
      const create = (body: Record<string, unknown>, token?: string) =>
        t.api<Schedule & ErrorBody>('POST', path, { ...(token && { token }), body });
      const bad: Array<[Record<string, unknown>, string]> = [
        [{ cron: '61 * * * *' }, '/cron'],
        [{ cron: '* * * *' }, '/cron'],
        [{ cron: '0 4 * * *', cron_timezone: 'Mars/Olympus' }, '/cron_timezone'],
        [{ cron: '0 4 * * *', environments: ['nowhere'] }, '/environments/0'],
        [{ cron: '0 4 * * *', environments: ['staging', 'staging'] }, '/environments/1'],
        [{ cron: '0 4 * * *', environments: [] }, '/environments'],
        [{ cron: '0 4 * * *', unknown: true }, '/unknown'],
      ];
      for (const [fields, field] of bad) {
        const refused = await create({ description: 'weekly', ...fields });
        assert.equal(refused.status, 400, JSON.stringify(fields));
        assert.ok(
          refused.body.error.details.some((d) => d.path === field),
          `${JSON.stringify(fields)}: ${JSON.stringify(refused.body)}`,
        );
      }
      assert.equal((await create({ description: 'd', cron: '0 4 * * *' }, developer.token)).status, 403);

      const created = await create({
        description: 'weekly',
        cron: '0 4 * * 1',
        cron_timezone: 'Europe/Berlin',
        environments: ['staging'],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      // Monday 04:00 in Berlin (summer time) is 02:00 UTC.
      assert.equal(created.body.next_run_at, '2025-06-16T02:00:00.000Z');
      assert.equal(created.body.last_run, null);
      const listed = await t.api<Schedule[]>('GET', path, { token: reporter.token });
      assert.equal(listed.status, 200);
      assert.deepEqual(
        listed.body.map((s) => s.id),
        [created.body.id],
      );
      const changed = await t.api<Schedule>('PUT', `${path}/${created.body.id}`, {
        body: { cron: '0 5 * * *', cron_timezone: 'UTC', environments: null },
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.equal(changed.body.next_run_at, '2025-06-11T05:00:00.000Z');
      assert.equal(changed.body.environments, null);
      assert.equal(
        (
          await t.api('PUT', `${path}/${created.body.id}`, {
            token: developer.token,
            body: { active: false },
          })
        ).status,
        403,
      );
      assert.equal((await t.api('DELETE', `${path}/${created.body.id}`)).status, 204);
      assert.equal((await t.api('GET', `${path}/${created.body.id}`)).status, 404);
    });

    test('a schedule rebuilds at its cron time as its owner, and fails without creating anything once the owner may not', async () => {
      const path = `projects/${projectId}/rebuild_schedules`;
      const schedule = await t.api<Schedule>('POST', path, {
        token: approver.token,
        body: { description: 'nightly staging', cron: '0 3 * * *', environments: ['staging'] },
      });
      assert.equal(schedule.status, 201, JSON.stringify(schedule.body));
      assert.equal(schedule.body.owner?.id, approver.id);
      assert.equal(schedule.body.next_run_at, '2025-06-11T03:00:00.000Z');

      const before = (await rebuildPipelines()).length;
      clock.set('2025-06-11T03:00:00.000Z');
      const ran = await eventually(
        async () => {
          const got = await t.api<Schedule>('GET', `${path}/${schedule.body.id}`);
          return got.body.last_run ? got.body : undefined;
        },
        () => 'the schedule never ran',
      );
      assert.equal(ran.last_run?.status, 'success', JSON.stringify(ran.last_run));
      assert.equal(ran.last_run?.at, '2025-06-11T03:00:00.000Z');
      assert.equal(ran.next_run_at, '2025-06-12T03:00:00.000Z');
      assert.equal(ran.last_run?.pipelines.length, 1);
      const [created] = ran.last_run!.pipelines;
      assert.equal(created!.sha, v2);
      const { pipeline, jobs } = await waitForPipeline(t, projectId, created!.id);
      assert.equal(pipeline.status, 'success');
      assert.equal(pipeline.source, 'rebuild');
      const deployment = await deploymentOfJob(jobNamed(jobs, 'staging').id);
      assert.equal(deployment.rebuild, true);
      assert.equal(deployment.user?.id, approver.id, 'it runs as its owner');
      assert.equal((await rebuildPipelines()).length, before + 1);

      // Played now, as the caller: the same rebuild, recorded as the last run; the timed run stays.
      const played = await t.api<RebuildPipeline[]>('POST', `${path}/${schedule.body.id}/play`);
      assert.equal(played.status, 201, JSON.stringify(played.body));
      assert.deepEqual(played.body[0]!.environments, ['staging']);
      await waitForPipeline(t, projectId, played.body[0]!.id);
      const afterPlay = await t.api<Schedule>('GET', `${path}/${schedule.body.id}`);
      assert.deepEqual(
        afterPlay.body.last_run?.pipelines.map((p) => p.id),
        [played.body[0]!.id],
      );
      assert.equal(afterPlay.body.next_run_at, '2025-06-12T03:00:00.000Z');

      // The owner is a reporter now: the next run fails, saying why, and creates nothing.
      const demoted = await t.api('PUT', `projects/${projectId}/members/${approver.id}`, {
        body: { access_level: 20 },
      });
      assert.equal(demoted.status, 200, JSON.stringify(demoted.body));
      const count = (await rebuildPipelines()).length;
      clock.set('2025-06-12T03:00:00.000Z');
      const failed = await eventually(
        async () => {
          const got = await t.api<Schedule>('GET', `${path}/${schedule.body.id}`);
          return got.body.last_run?.status === 'failed' ? got.body : undefined;
        },
        () => 'the run of a demoted owner was not recorded as failed',
      );
      assert.match(failed.last_run!.error ?? '', /^as rebuild-approver: .*developer/);
      assert.deepEqual(failed.last_run!.pipelines, []);
      assert.equal((await rebuildPipelines()).length, count);
      assert.equal(failed.next_run_at, '2025-06-13T03:00:00.000Z');
    });
  });
}
