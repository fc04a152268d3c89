import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { scratchDir } from '../support/git-work-tree.ts';
import {
  cloneProject,
  eventually,
  type JobView,
  jobNamed,
  pipelineFor,
  pushFiles,
  trace,
  waitForPipeline,
} from '../support/pipeline-helpers.ts';
import {
  ADMIN_TOKEN,
  createUserWithToken,
  startTestServer,
  type TestServer,
} from '../support/test-server.ts';

// The deployment record end to end: jobs with `environment:` on the embedded runner, the gate
// (locks, approvals, freezes), and an external deployer reporting statuses.

interface DeploymentView {
  id: number;
  iid: number;
  status: string;
  action: string;
  sha: string;
  ref: string;
  environment: { id: number; name: string };
  deployable: { id: number; name: string; status?: string } | null;
  rollback_of: number | null;
  snapshot: { kind: string; sha: string; jobName: string } | null;
  external_state: string | null;
}

interface EnvironmentView {
  id: number;
  name: string;
  slug: string;
  state: string;
  tier: string;
  external_url: string | null;
  last_deployment: DeploymentView | null;
}

const FINAL = ['success', 'failed', 'canceled', 'skipped'];

for (const dialect of DIALECTS) {
  describe(`deployments on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let work: { path: string; cleanup(): Promise<void> };
    let counter = 0;

    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '4' } });
      work = await scratchDir();
    });
    after(async () => {
      await t?.stop();
      await work?.cleanup();
    });

    /** A new project with the pipeline file pushed to main; returns its id, clone and first commit. */
    async function project(pipelineFile: string, files: Record<string, string> = {}) {
      const path = `deploy/p${counter++}`;
      const created = await t.api<{ id: number }>('POST', 'projects', { body: { path } });
      assert.equal(created.status, 201);
      const clone = await cloneProject(t, path, join(work.path, path.replace('/', '-')));
      const sha = await pushFiles(clone, { ...files, '.gantry.yml': pipelineFile });
      return { id: created.body.id, clone, sha };
    }

    const environments = async (projectId: number) =>
      (await t.api<EnvironmentView[]>('GET', `projects/${projectId}/environments`)).body;
    const deployments = async (projectId: number, query = '') =>
      (await t.api<DeploymentView[]>('GET', `projects/${projectId}/deployments?per_page=100${query}`)).body;
    const waitForDeployment = (projectId: number, id: number, statuses = FINAL) =>
      eventually(
        async () => {
          const d = (await t.api<DeploymentView>('GET', `projects/${projectId}/deployments/${id}`)).body;
          return statuses.includes(d.status) ? d : undefined;
        },
        async () =>
          `deployment ${id}: ${JSON.stringify((await deployments(projectId)).find((d) => d.id === id))}`,
      );

    test('a deployment job records its environment and a deployment that follows the job', async () => {
      const p = await project(
        [
          'build:',
          '  stage: build',
          '  script: [echo built]',
          'prepare-db:',
          '  stage: build',
          '  environment: { name: staging, action: prepare }',
          '  script: [echo prepared]',
          'deploy-staging:',
          '  stage: deploy',
          '  environment:',
          '    name: staging',
          '    url: $DYNAMIC_URL',
          '  script:',
          '    - echo "deploying to $CI_ENVIRONMENT_NAME ($CI_ENVIRONMENT_SLUG, $CI_ENVIRONMENT_TIER)"',
          '    - echo DYNAMIC_URL=https://staging.example.test/$CI_COMMIT_SHORT_SHA > deploy.env',
          '  artifacts: { reports: { dotenv: deploy.env } }',
          'stages: [build, deploy]',
          '',
        ].join('\n'),
      );
      const pipeline = await pipelineFor(t, p.id, p.sha);
      const { pipeline: done, jobs } = await waitForPipeline(t, p.id, pipeline.id);
      assert.equal(done.status, 'success');
      const deployJob = jobNamed(jobs, 'deploy-staging');
      assert.match(await trace(t, p.id, deployJob.id), /deploying to staging \(staging, staging\)/);

      const list = await deployments(p.id);
      assert.equal(list.length, 1, 'action: prepare records no deployment');
      const [deployment] = list;
      assert.equal(deployment!.status, 'success');
      assert.equal(deployment!.action, 'start');
      assert.equal(deployment!.sha, p.sha);
      assert.equal(deployment!.deployable?.id, deployJob.id);
      assert.equal(deployment!.snapshot?.kind, 'script');
      assert.equal(deployment!.snapshot?.sha, p.sha);

      const [environment] = await environments(p.id);
      assert.equal(environment!.name, 'staging');
      assert.equal(environment!.state, 'available');
      assert.equal(environment!.tier, 'staging');
      assert.equal(environment!.external_url, `https://staging.example.test/${p.sha.slice(0, 8)}`);
      assert.equal(environment!.last_deployment?.id, deployment!.id);
    });

    test('a manual deployment is blocked until someone deploys it; stopping runs its on_stop job', async () => {
      const p = await project(
        [
          'deploy:',
          '  environment: { name: review/$CI_COMMIT_REF_SLUG, on_stop: stop }',
          '  when: manual',
          '  script: [echo up]',
          'stop:',
          '  environment: { name: review/$CI_COMMIT_REF_SLUG, action: stop }',
          '  when: manual',
          '  script: [echo down]',
          '',
        ].join('\n'),
      );
      const pipeline = await pipelineFor(t, p.id, p.sha);
      const [blocked] = await eventually(
        async () => {
          const list = await deployments(p.id);
          // Recorded as created with its job, blocked once the job turns manual.
          return list.length === 2 && list.every((d) => d.status === 'blocked')
            ? list.filter((d) => d.action === 'start')
            : undefined;
        },
        () => 'no deployments',
      );
      assert.equal(blocked!.status, 'blocked');
      const [environment] = await environments(p.id);
      assert.equal(environment!.name, 'review/main');

      const deployed = await t.api<DeploymentView>(
        'POST',
        `projects/${p.id}/environments/${environment!.id}/deploy`,
        {
          body: { pipeline_id: pipeline.id },
        },
      );
      assert.equal(deployed.status, 201, JSON.stringify(deployed.body));
      assert.equal(deployed.body.id, blocked!.id, 'deploying a manual job runs its own deployment');
      assert.equal((await waitForDeployment(p.id, blocked!.id)).status, 'success');

      const stopped = await t.api<EnvironmentView>(
        'POST',
        `projects/${p.id}/environments/${environment!.id}/stop`,
      );
      assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
      const final = await eventually(
        async () => {
          const env = (
            await t.api<EnvironmentView>('GET', `projects/${p.id}/environments/${environment!.id}`)
          ).body;
          return env.state === 'stopped' ? env : undefined;
        },
        async () => JSON.stringify(await deployments(p.id)),
      );
      assert.equal(final.last_deployment?.action, 'stop');
      assert.equal(final.last_deployment?.status, 'success');
      const deleted = await t.api('DELETE', `projects/${p.id}/environments/${environment!.id}`);
      assert.equal(deleted.status, 204, 'a stopped environment can be deleted');
    });

    test('50 concurrent deploy requests to one environment run one at a time, the newest last', async () => {
      const p = await project(
        ['deploy:', '  environment: production', '  when: manual', '  script: [sleep 0.05]', ''].join('\n'),
      );
      const first = await pipelineFor(t, p.id, p.sha);
      const pipelineIds = [first.id];
      for (let i = 1; i < 50; i++) {
        const created = await t.api<{ id: number }>('POST', `projects/${p.id}/pipeline`, {
          body: { ref: 'main' },
        });
        assert.equal(created.status, 201);
        pipelineIds.push(created.body.id);
      }
      const [environment] = await eventually(
        async () => ((await environments(p.id)).length === 1 ? environments(p.id) : undefined),
        () => 'no environment',
      );
      const answers = await Promise.all(
        pipelineIds.map((id) =>
          t.api<DeploymentView>('POST', `projects/${p.id}/environments/${environment!.id}/deploy`, {
            body: { pipeline_id: id },
          }),
        ),
      );
      assert.deepEqual(
        answers.filter((a) => a.status !== 201).map((a) => a.body),
        [],
      );
      const ids = new Set(answers.map((a) => a.body.id));
      const finished = await eventually(
        async () => {
          const list = (await deployments(p.id)).filter((d) => ids.has(d.id));
          return list.every((d) => FINAL.includes(d.status)) ? list : undefined;
        },
        async () => JSON.stringify((await deployments(p.id)).map((d) => [d.id, d.status])),
        240_000,
      );
      const failures = finished.filter((d) => d.status !== 'success');
      const logs = await Promise.all(failures.map((d) => trace(t, p.id, d.deployable!.id)));
      assert.deepEqual(logs, [], 'every deployment succeeded');

      const jobs: Array<JobView & { started_at: string; finished_at: string; queued_at: string }> = [];
      for (const id of pipelineIds) {
        jobs.push(...(await t.api<typeof jobs>('GET', `projects/${p.id}/pipelines/${id}/jobs`)).body);
      }
      const runs = jobs
        .map((job) => ({
          id: job.id,
          queued: job.queued_at,
          start: Date.parse(job.started_at),
          end: Date.parse(job.finished_at),
        }))
        .sort((a, b) => a.start - b.start);
      for (let n = 1; n < runs.length; n++) {
        assert.ok(
          runs[n]!.start >= runs[n - 1]!.end,
          `job ${runs[n]!.id} started before job ${runs[n - 1]!.id} ended`,
        );
      }
      // First come, first served: no deployment ran before one requested clearly (50 ms) earlier.
      // Requests closer than that are concurrent: which one the database commits first decides.
      const overtaken = runs.flatMap((run, n) =>
        runs
          .slice(n + 1)
          .filter((later) => Date.parse(later.queued) + 50 < Date.parse(run.queued))
          .map((later) => `job ${run.id} ran before job ${later.id}, requested earlier`),
      );
      assert.deepEqual(overtaken, [], 'deployments ran in the order they were requested');
      const env = (await t.api<EnvironmentView>('GET', `projects/${p.id}/environments/${environment!.id}`))
        .body;
      const newest = answers.find((a) => a.body.deployable?.id === runs.at(-1)!.id)!.body;
      assert.equal(env.last_deployment?.id, newest.id, 'the deployment that ran last is what runs');
      const locks = await t.api<unknown[]>('GET', `projects/${p.id}/deployment_locks`);
      assert.deepEqual(locks.body, [], 'every lock was released');
    });

    test('approvals: two of three approvers, no self-approval, then the deployment runs by itself', async () => {
      const developer = await createUserWithToken(t, `dev${counter}`);
      const maintainer = await createUserWithToken(t, `main${counter}`);
      const p = await project('placeholder.txt:\n  script: [echo]\n');
      for (const [user, level] of [
        [developer, 30],
        [maintainer, 40],
      ] as const) {
        const added = await t.api('POST', `projects/${p.id}/members`, {
          body: { user_id: user.id, access_level: level },
        });
        assert.equal(added.status, 201);
      }
      const rule = await t.api('POST', `projects/${p.id}/protected_environments`, {
        body: {
          name: 'production',
          deploy_access_levels: [{ access_level: 30 }],
          required_approval_count: 2,
          approval_rules: [{ access_level: 40 }, { user_id: developer.id }],
        },
      });
      assert.equal(rule.status, 201, JSON.stringify(rule.body));
      const sha = await pushFiles(p.clone, {
        '.gantry.yml': ['deploy:', '  environment: production', '  script: [echo shipped]', ''].join('\n'),
      });
      const pipeline = await pipelineFor(t, p.id, sha);
      const blocked = await eventually(
        async () => (await deployments(p.id)).find((d) => d.status === 'blocked'),
        async () => JSON.stringify(await deployments(p.id)),
      );
      const approve = (token: string) =>
        t.api<{ approval_state?: { state: string } }>(
          'POST',
          `projects/${p.id}/deployments/${blocked.id}/approval`,
          {
            token,
            body: { status: 'approved', comment: 'looks good' },
          },
        );
      assert.equal((await approve(ADMIN_TOKEN)).status, 403, 'the admin pushed: no self-approval');
      assert.equal((await approve(maintainer.token)).status, 201);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(
        (await t.api<DeploymentView>('GET', `projects/${p.id}/deployments/${blocked.id}`)).body.status,
        'blocked',
        'one approval of two keeps it blocked',
      );
      assert.equal((await approve(developer.token)).status, 201);
      assert.equal((await waitForDeployment(p.id, blocked.id)).status, 'success');
      const { pipeline: done } = await waitForPipeline(t, p.id, pipeline.id);
      assert.equal(done.status, 'success');
    });

    test('a freeze that starts after the pipeline was created still blocks the deployment; a maintainer may override', async () => {
      const p = await project(
        [
          'probe:',
          '  when: manual',
          `  script: ['echo "freeze=\${CI_DEPLOY_FREEZE:-none}"']`,
          'deploy:',
          '  environment: production',
          '  when: manual',
          '  script: [echo deployed]',
          '',
        ].join('\n'),
      );
      const pipeline = await pipelineFor(t, p.id, p.sha);
      const [environment] = await eventually(
        async () => ((await environments(p.id)).length === 1 ? environments(p.id) : undefined),
        () => 'no environment',
      );
      // Active now: the last start (this minute) is later than the last end (1 January).
      const freeze = await t.api('POST', `projects/${p.id}/freeze_periods`, {
        body: { freeze_start: '* * * * *', freeze_end: '0 0 1 1 *', cron_timezone: 'UTC' },
      });
      assert.equal(freeze.status, 201, JSON.stringify(freeze.body));

      const refused = await t.api<DeploymentView>(
        'POST',
        `projects/${p.id}/environments/${environment!.id}/deploy`,
        {
          body: { pipeline_id: pipeline.id },
        },
      );
      assert.equal(refused.status, 201);
      assert.equal((await waitForDeployment(p.id, refused.body.id)).status, 'failed');
      const job = (
        await t.api<JobView & { failure_reason: string }>(
          'GET',
          `projects/${p.id}/jobs/${refused.body.deployable!.id}`,
        )
      ).body;
      assert.equal(job.failure_reason, 'deployment_frozen');
      assert.match(await trace(t, p.id, job.id), /deploy freeze #\d+ "\* \* \* \* \*"/);

      const jobs = (await t.api<JobView[]>('GET', `projects/${p.id}/pipelines/${pipeline.id}/jobs`)).body;
      const probe = jobNamed(jobs, 'probe');
      assert.equal((await t.api('POST', `projects/${p.id}/jobs/${probe.id}/play`)).status, 200);
      await eventually(
        async () => ((await trace(t, p.id, probe.id)).includes('freeze=true') ? true : undefined),
        () => trace(t, p.id, probe.id),
      );

      const developer = await createUserWithToken(t, `freezer${counter}`);
      await t.api('POST', `projects/${p.id}/members`, { body: { user_id: developer.id, access_level: 30 } });
      const notAllowed = await t.api('POST', `projects/${p.id}/environments/${environment!.id}/deploy`, {
        token: developer.token,
        body: { pipeline_id: pipeline.id, freeze_override_reason: 'hotfix' },
      });
      assert.equal(notAllowed.status, 403, 'developers cannot override a freeze');
      const overridden = await t.api<DeploymentView>(
        'POST',
        `projects/${p.id}/environments/${environment!.id}/deploy`,
        {
          body: { pipeline_id: pipeline.id, freeze_override_reason: 'hotfix for incident 42' },
        },
      );
      assert.equal(overridden.status, 201, JSON.stringify(overridden.body));
      assert.equal((await waitForDeployment(p.id, overridden.body.id)).status, 'success');
      const audit = await t.api<Array<{ action: string; details: { reason?: string } }>>(
        'GET',
        `projects/${p.id}/audit_events`,
      );
      assert.ok(
        audit.body.some(
          (e) => e.action === 'freeze_override' && e.details.reason === 'hotfix for incident 42',
        ),
        JSON.stringify(audit.body),
      );
    });

    test('an external deployer gets a signed deployment event and its statuses end the deployment', async () => {
      const secret = 'external-secret-123';
      const received: Array<{ body: string; signature: string | undefined; event: string | undefined }> = [];
      const receiver: Server = createServer((request: IncomingMessage, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          received.push({
            body: Buffer.concat(chunks).toString(),
            signature: request.headers['x-gantry-signature-256'] as string | undefined,
            event: request.headers['x-gantry-event'] as string | undefined,
          });
          response.end('ok');
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      try {
        const port = (receiver.address() as AddressInfo).port;
        const p = await project('noop:\n  script: [echo]\n');
        const target = await t.api('POST', `projects/${p.id}/targets`, {
          body: {
            name: 'deployer',
            kind: 'external',
            environment_scope: 'production',
            url: `http://127.0.0.1:${port}/hook`,
            secret,
          },
        });
        assert.equal(target.status, 201, JSON.stringify(target.body));
        const deployFile = [
          'ship:',
          '  environment: production',
          '  deploy:',
          '    manifests: k8s/',
          '    images: { web: registry.example.test/web:$CI_COMMIT_SHORT_SHA }',
          '',
        ].join('\n');
        const first = await pushFiles(p.clone, { '.gantry.yml': deployFile });
        const shipped: number[] = [];
        for (const sha of [first, await pushFiles(p.clone, { 'README.md': 'v2\n' })]) {
          const delivery = await eventually(
            async () =>
              received.find((r) => r.event === 'deployment' && JSON.parse(r.body).deployment.sha === sha),
            () => `no deployment event for ${sha}: ${JSON.stringify(received)}`,
          );
          const expected = `sha256=${createHmac('sha256', secret).update(delivery.body).digest('hex')}`;
          assert.equal(delivery.signature, expected, 'the event is signed with the target secret');
          const event = JSON.parse(delivery.body) as {
            deployment: {
              id: number;
              statuses_url: string;
              environment: string;
              snapshot: {
                kind: string;
                sha: string;
                definition: { deploy: { images: Record<string, string> } };
              };
            };
          };
          assert.equal(event.deployment.environment, 'production');
          // The job as planned travels with the event: the deployer finds its images there.
          assert.equal(event.deployment.snapshot.kind, 'script');
          assert.equal(event.deployment.snapshot.sha, sha);
          assert.equal(
            event.deployment.snapshot.definition.deploy.images.web,
            'registry.example.test/web:$CI_COMMIT_SHORT_SHA',
          );
          const report = (body: object) =>
            fetch(event.deployment.statuses_url, {
              method: 'POST',
              headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
              body: JSON.stringify(body),
            });
          assert.equal(
            (await report({ state: 'in_progress', log_url: 'https://logs.example.test/1' })).status,
            201,
          );
          assert.equal(
            (
              await report({
                state: 'success',
                environment_url: `https://prod.example.test/${sha.slice(0, 8)}`,
              })
            ).status,
            201,
          );
          assert.equal((await waitForDeployment(p.id, event.deployment.id)).status, 'success');
          shipped.push(event.deployment.id);
        }
        const [older, newer] = await Promise.all(
          shipped.map(
            async (id) => (await t.api<DeploymentView>('GET', `projects/${p.id}/deployments/${id}`)).body,
          ),
        );
        assert.equal(older!.external_state, 'inactive', 'the earlier deployment became inactive');
        assert.equal(newer!.external_state, 'success');
        const statuses = await t.api<Array<{ state: string }>>(
          'GET',
          `projects/${p.id}/deployments/${shipped[0]}/statuses`,
        );
        assert.deepEqual(
          statuses.body.map((s) => s.state),
          ['in_progress', 'success', 'inactive'],
        );
        const [environment] = await environments(p.id);
        assert.equal(environment!.external_url, `https://prod.example.test/${newer!.sha.slice(0, 8)}`);
        const job = (await t.api<JobView>('GET', `projects/${p.id}/jobs/${newer!.deployable!.id}`)).body;
        assert.equal(job.status, 'success');
        assert.match(await trace(t, p.id, job.id), /sent to external deployer "deployer"/);
      } finally {
        receiver.close();
      }
    });

    test('a deploy: job with no target fails saying so', async () => {
      const p = await project(
        [
          'ship:',
          '  environment: nowhere',
          '  deploy:',
          '    manifests: k8s/',
          '    images: { web: x/web:1 }',
          '',
        ].join('\n'),
      );
      const pipeline = await pipelineFor(t, p.id, p.sha);
      const { jobs } = await waitForPipeline(t, p.id, pipeline.id);
      const ship = jobNamed(jobs, 'ship');
      assert.equal(ship.status, 'failed');
      assert.match(await trace(t, p.id, ship.id), /no target serves environment nowhere/);
    });

    test('tools record deployments over the API; bad input changes nothing', async () => {
      const p = await project('noop:\n  script: [echo]\n');
      const body = { environment: 'edge', sha: p.sha, ref: 'main', tag: false, status: 'running' };
      const created = await t.api<DeploymentView>('POST', `projects/${p.id}/deployments`, { body });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.status, 'running');
      const updated = await t.api<DeploymentView>('PUT', `projects/${p.id}/deployments/${created.body.id}`, {
        body: { status: 'success' },
      });
      assert.equal(updated.body.status, 'success');
      const [env] = await environments(p.id);
      assert.equal(env!.last_deployment?.id, created.body.id);
      const backwards = await t.api('PUT', `projects/${p.id}/deployments/${created.body.id}`, {
        body: { status: 'running' },
      });
      assert.equal(backwards.status, 400);
      const badName = await t.api('POST', `projects/${p.id}/deployments`, {
        body: { ...body, environment: '/bad' },
      });
      assert.equal(badName.status, 400);
      assert.equal((await deployments(p.id)).length, 1);
      const current = await t.api('DELETE', `projects/${p.id}/deployments/${created.body.id}`);
      assert.equal(current.status, 409, 'the current deployment cannot be deleted');
      const filtered = await deployments(p.id, '&environment=edge&status=success');
      assert.equal(filtered.length, 1);
      assert.equal((await deployments(p.id, '&environment=none')).length, 0);
    });
  });
}
