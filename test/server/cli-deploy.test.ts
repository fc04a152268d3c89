import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DeploymentRepository } from '../../src/store/repositories/deployment-repository.ts';
import { runGantry } from '../support/gantry-process.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import {
  cloneProject,
  eventually,
  pipelineFor,
  pushFiles,
  waitForPipeline,
} from '../support/pipeline-helpers.ts';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/test-server.ts';

// gantry env list / status / deploy / rollback against a real server, as a user runs them.

const PIPELINE = `deploy:
  script:
    - echo "deploying $CI_COMMIT_SHORT_SHA to $CI_ENVIRONMENT_NAME"
  environment:
    name: production
    url: https://app.example.com
`;

interface EnvironmentJson {
  id: number;
  name: string;
  last_successful_deployment: { iid: number; sha: string } | null;
}

describe('gantry env, status, deploy and rollback', () => {
  let t: TestServer;
  let scratch: ScratchDir;
  const gantry = async (...args: string[]) => {
    const run = runGantry(args, { HOME: scratch.path, GANTRY_URL: t.url, GANTRY_TOKEN: ADMIN_TOKEN });
    const code = await run.exited;
    return { code, stdout: run.stdout(), stderr: run.stderr() };
  };

  before(async () => {
    t = await startTestServer('sqlite', { env: { GANTRY_RUNNER_CONCURRENCY: '1' } });
    scratch = await scratchDir();
  });
  after(async () => {
    await t?.stop();
    await scratch?.cleanup();
  });

  test('env list and status show environments with their deployments', async () => {
    const project = await t.api<{ id: number }>('POST', 'projects', { body: { path: 'cli/listed' } });
    const env = async (name: string) =>
      (await t.api<{ id: number }>('POST', `projects/${project.body.id}/environments`, { body: { name } }))
        .body.id;
    const production = await env('production');
    await env('review/feature-x');
    const deployments = new DeploymentRepository(t.server.store.db);
    const deployment = await deployments.insert({
      project_id: project.body.id,
      environment_id: production,
      sha: '0123456789abcdef0123456789abcdef01234567',
      ref: 'main',
      tag: 0,
      user_id: 1,
      status: 'success',
      action: 'start',
      job_id: null,
      pipeline_id: null,
      deployable_name: null,
      snapshot: null,
      rollback_of: null,
    });
    await t.server.store.db
      .updateTable('deployments')
      .set({ finished_at: '2026-11-28T10:00:00.000Z' })
      .where('id', '=', deployment.id)
      .execute();
    await t.server.store.db
      .updateTable('environments')
      .set({ last_deployment_id: deployment.id, last_success_deployment_id: deployment.id })
      .where('id', '=', production)
      .execute();

    const listed = await gantry('env', 'list', 'cli/listed');
    assert.equal(listed.code, 0, listed.stderr);
    const lines = listed.stdout.trim().split('\n');
    assert.match(lines[0]!, /^NAME\s+STATE\s+TIER\s+LAST DEPLOYMENT$/);
    assert.match(lines[1]!, /^production\s+available\s+production\s+#1 01234567 success$/);
    assert.match(lines[2]!, /^review\/feature-x\s+available\s+development\s+-$/);
    const searched = await gantry('env', 'list', String(project.body.id), '--search', 'review/');
    assert.equal(searched.code, 0, searched.stderr);
    assert.doesNotMatch(searched.stdout, /production/);
    assert.match(searched.stdout, /review\/feature-x/);

    const status = await gantry('status', 'cli/listed');
    assert.equal(status.code, 0, status.stderr);
    const rows = status.stdout.trim().split('\n');
    assert.match(rows[0]!, /^ENVIRONMENT\s+STATE\s+REF\s+COMMIT\s+DEPLOYED\s+BY$/);
    assert.match(
      rows[1]!,
      /^production\s+available\s+main\s+01234567\s+2026-11-28 10:00:00 UTC \(#1\)\s+admin$/,
    );
    assert.match(rows[2]!, /^review\/feature-x\s+available\s+-\s+-\s+never deployed\s+-$/);
  });

  test('errors print the API message and exit 1', async () => {
    const missing = await gantry('env', 'list', 'no/such');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /404 project not found/);
    await t.api('POST', 'projects', { body: { path: 'cli/empty' } });
    const noEnv = await gantry('deploy', 'cli/empty', 'production', '--ref', 'main');
    assert.equal(noEnv.code, 1);
    assert.match(noEnv.stderr, /no environment named "production" in cli\/empty/);
    const twoRefs = await gantry('deploy', 'cli/empty', 'production', '--ref', 'main', '--sha', 'abc');
    assert.equal(twoRefs.code, 1);
    assert.match(twoRefs.stderr, /exactly one of --ref, --sha or --pipeline/);
    const badTo = await gantry('rollback', 'cli/empty', 'production', '--to', 'latest');
    assert.equal(badTo.code, 1);
    assert.match(badTo.stderr, /--to must be a deployment number/);
    for (const args of [['env', 'list'], ['status'], ['deploy'], ['rollback']]) {
      const help = await gantry(...args, '--help');
      assert.equal(help.code, 0, args.join(' '));
      assert.match(help.stdout, /^Usage: gantry/);
    }
  });

  // Needs the deploy and rollback routes and deployments recorded from pipelines (issue 4).
  test('deploy follows a deployment to success; rollback goes back to the previous commit', async () => {
    const project = await t.api<{ id: number }>('POST', 'projects', { body: { path: 'cli/app' } });
    const projectId = project.body.id;
    const work = await cloneProject(t, 'cli/app', join(scratch.path, 'work'));
    const deployed = async (sha: string) => {
      const pipeline = await pipelineFor(t, projectId, sha);
      const { pipeline: done, jobs } = await waitForPipeline(t, projectId, pipeline.id);
      assert.equal(done.status, 'success', JSON.stringify(jobs));
    };
    const first = await pushFiles(work, { '.gantry.yml': PIPELINE });
    await deployed(first);
    const second = await pushFiles(work, { 'app.txt': 'v2\n' });
    await deployed(second);
    const running = async () =>
      eventually(
        async () => {
          const list = await t.api<EnvironmentJson[]>(
            'GET',
            `projects/${projectId}/environments?name=production`,
          );
          const env = list.body[0];
          if (!env) return undefined;
          return (await t.api<EnvironmentJson>('GET', `projects/${projectId}/environments/${env.id}`)).body
            .last_successful_deployment?.sha;
        },
        () => 'no successful deployment to production',
      );
    assert.equal(await running(), second);

    const rollback = await gantry('rollback', 'cli/app', 'production', '--interval', '100');
    assert.equal(rollback.code, 0, `${rollback.stdout}\n${rollback.stderr}`);
    assert.match(
      rollback.stdout,
      new RegExp(`Rolling production back to deployment #\\d+ \\(main @ ${first.slice(0, 8)}\\)`),
    );
    assert.match(rollback.stdout, /deployment #\d+ to production: success/);
    assert.match(rollback.stdout, new RegExp(`${first.slice(0, 8)} now runs in production`));
    assert.equal(await running(), first);

    const deploy = await gantry('deploy', 'cli/app', 'production', '--ref', 'main', '--interval', '100');
    assert.equal(deploy.code, 0, `${deploy.stdout}\n${deploy.stderr}`);
    const progress = deploy.stdout.trim().split('\n');
    assert.match(
      progress[0]!,
      new RegExp(`^deployment #\\d+ to production \\(main @ ${second.slice(0, 8)}, id \\d+\\): \\w+`),
    );
    assert.match(progress.at(-1)!, new RegExp(`main @ ${second.slice(0, 8)} now runs in production`));
    assert.equal(await running(), second);

    const status = await gantry('status', 'cli/app');
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`production\\s+available\\s+main\\s+${second.slice(0, 8)}`));

    const bad = await gantry('deploy', 'cli/app', 'production', '--sha', 'f'.repeat(40), '--interval', '100');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /gantry: POST \/projects\/cli%2Fapp\/environments\/\d+\/deploy: 4\d\d /);
  });
});
