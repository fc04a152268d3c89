import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { scratchDir } from '../support/git-work-tree.ts';
import { cloneProject, eventually, pushFiles } from '../support/pipeline-helpers.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';

// The example external deployer (examples/nomad-deployer) against a real Gantry: Gantry sends it
// signed `deployment` events, it runs `nomad job run` / `aws ecs update-service` and reports the
// outcome to the statuses API. Nomad and AWS are not here: fake executables on its PATH record
// their arguments, and the deployer's contract is that command line.

const DEPLOYER = fileURLToPath(new URL('../../examples/nomad-deployer/deployer.ts', import.meta.url));

/** Records its arguments, one line per run; an image named `broken` fails as Nomad would. */
const FAKE_CLI = `#!/bin/sh
printf '%s %s\\n' "$(basename "$0")" "$*" >> "$FAKE_CLI_LOG"
case "$*" in
  *broken*) echo "==> Evaluation triggered"; echo "Error: image pull failed: manifest unknown" >&2; exit 1 ;;
esac
echo "==> Deployment \\"$GANTRY_DEPLOYMENT_ID\\" successful"
`;

interface DeploymentView {
  id: number;
  sha: string;
  status: string;
  environment: { name: string };
}

interface Deployer {
  child: ChildProcess;
  url: string;
  output(): string;
  stop(): Promise<void>;
}

for (const dialect of DIALECTS) {
  describe(`the example Nomad/ECS deployer on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    let work: { path: string; cleanup(): Promise<void> };
    let log: string;
    let bin: string;
    const running: Deployer[] = [];

    before(async () => {
      t = await startTestServer(dialect);
      work = await scratchDir('gantry-deployer-');
      bin = join(work.path, 'bin');
      log = join(work.path, 'cli.log');
      await mkdir(bin);
      await writeFile(log, '');
      for (const name of ['nomad', 'aws']) {
        await writeFile(join(bin, name), FAKE_CLI);
        await chmod(join(bin, name), 0o755);
      }
    });
    after(async () => {
      await Promise.all(running.map((d) => d.stop()));
      await t?.stop();
      await work?.cleanup();
    });

    /** Starts the deployer as a child process on a free loopback port (it prints the one it got). */
    async function startDeployer(args: string[]): Promise<Deployer> {
      const child = spawn(process.execPath, [DEPLOYER, '--port', '0', ...args], {
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAKE_CLI_LOG: log },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
      const port = await eventually(
        async () => {
          if (child.exitCode !== null) assert.fail(`the deployer exited: ${output}`);
          return /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
        },
        () => `the deployer did not start: ${output}`,
      );
      const deployer = {
        child,
        url: `http://127.0.0.1:${port}/hook`,
        output: () => output,
        async stop() {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      };
      running.push(deployer);
      return deployer;
    }

    const cliRuns = async () => (await readFile(log, 'utf8')).split('\n').filter(Boolean);

    test('deploys with nomad and ecs, reports success and failure, refuses bad signatures, runs each deployment once', async () => {
      const secret = 'nomad-deployer-secret';
      const ecsSecret = 'ecs-deployer-secret';
      const created = await t.api<{ id: number }>('POST', 'projects', { body: { path: 'shop/web' } });
      assert.equal(created.status, 201);
      const projectId = created.body.id;
      // The deployer reports as a project developer, not as an admin.
      const bot = await createUserWithToken(t, 'deployer-bot');
      const member = await t.api('POST', `projects/${projectId}/members`, {
        body: { user_id: bot.id, access_level: 30 },
      });
      assert.equal(member.status, 201, JSON.stringify(member.body));

      const common = ['--gantry-url', t.url, '--token', bot.token];
      const nomad = await startDeployer([
        ...common,
        '--secret',
        secret,
        '--job-file',
        'deploy/web.nomad.hcl',
      ]);
      const ecs = await startDeployer([
        ...common,
        '--secret',
        ecsSecret,
        '--mode',
        'ecs',
        '--cluster',
        'shop',
        '--service',
        'web-{environment_slug}',
      ]);
      for (const [name, scope, url, key] of [
        ['nomad', 'production', nomad.url, secret],
        ['ecs', 'staging', ecs.url, ecsSecret],
      ] as const) {
        const target = await t.api('POST', `projects/${projectId}/targets`, {
          body: { name, kind: 'external', environment_scope: scope, url, secret: key },
        });
        assert.equal(target.status, 201, JSON.stringify(target.body));
      }

      const deployments = async () =>
        (await t.api<DeploymentView[]>('GET', `projects/${projectId}/deployments?per_page=100`)).body;
      const finished = (sha: string, environment: string) =>
        eventually(
          async () =>
            (await deployments()).find(
              (d) =>
                d.sha === sha &&
                d.environment.name === environment &&
                ['success', 'failed', 'canceled'].includes(d.status),
            ),
          async () => `deployments: ${JSON.stringify(await deployments())}\ndeployer: ${nomad.output()}`,
        );
      const statuses = async (deploymentId: number) =>
        (
          await t.api<Array<{ state: string; description: string | null }>>(
            'GET',
            `projects/${projectId}/deployments/${deploymentId}/statuses`,
          )
        ).body;
      const pipelineFile = (image: string) =>
        [
          'ship:',
          '  environment: production',
          '  deploy:',
          '    manifests: deploy/web.nomad.hcl',
          `    images: { web: "${image}" }`,
          'ship-staging:',
          '  environment: staging',
          '  deploy:',
          '    manifests: deploy/web.nomad.hcl',
          '',
        ].join('\n');

      const clone = await cloneProject(t, 'shop/web', join(work.path, 'web'));
      const good = await pushFiles(clone, {
        '.gantry.yml': pipelineFile('registry.example.test/web:$CI_COMMIT_SHORT_SHA'),
      });
      const shipped = await finished(good, 'production');
      assert.equal(shipped.status, 'success', nomad.output());
      const reported = await statuses(shipped.id);
      assert.deepEqual(
        reported.map((s) => s.state),
        ['in_progress', 'success'],
      );
      assert.match(reported[0]!.description ?? '', /^running: nomad job run /);
      // The command's last output, which names the deployment from the GANTRY_* variables it sees.
      assert.equal(reported[1]!.description, `==> Deployment "${shipped.id}" successful`);
      const staged = await finished(good, 'staging');
      assert.equal(staged.status, 'success', ecs.output());
      const runs = await cliRuns();
      assert.ok(
        runs.includes(
          `nomad job run -var image=registry.example.test/web:${good.slice(0, 8)} deploy/web.nomad.hcl`,
        ),
        runs.join('\n'),
      );
      assert.ok(
        runs.includes('aws ecs update-service --cluster shop --service web-staging --force-new-deployment'),
        runs.join('\n'),
      );

      const bad = await pushFiles(clone, {
        '.gantry.yml': pipelineFile('registry.example.test/broken:$CI_COMMIT_SHORT_SHA'),
      });
      const broken = await finished(bad, 'production');
      assert.equal(broken.status, 'failed');
      const failure = (await statuses(broken.id)).find((s) => s.state === 'failure');
      assert.match(failure?.description ?? '', /Error: image pull failed: manifest unknown/);
      assert.ok(
        (await cliRuns()).includes(
          `nomad job run -var image=registry.example.test/broken:${bad.slice(0, 8)} deploy/web.nomad.hcl`,
        ),
      );
      await finished(bad, 'staging');

      // A forged or unsigned delivery is refused and runs nothing.
      const before = await cliRuns();
      const forged = JSON.stringify({
        deployment: { id: 999_999, sha: good, ref: 'main', task: 'deploy', snapshot: null },
        environment: { name: 'production', slug: 'production' },
        project: { id: projectId, path_with_namespace: 'shop/web' },
      });
      const post = (url: string, body: string, headers: Record<string, string>) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-gantry-event': 'deployment', ...headers },
          body,
        });
      const sign = (key: string, body: string) =>
        `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
      assert.equal(
        (await post(nomad.url, forged, { 'x-gantry-signature-256': sign('not-the-secret', forged) })).status,
        401,
      );
      assert.equal((await post(nomad.url, forged, {})).status, 401);
      assert.deepEqual(await cliRuns(), before, 'a refused delivery runs nothing');

      // A redelivery of a deployment already handled runs nothing: this process remembers it, and
      // a restarted deployer finds the statuses Gantry already holds.
      const redelivery = JSON.stringify({
        deployment: { id: shipped.id, sha: good, ref: 'main', task: 'deploy', snapshot: null },
        environment: { name: 'production', slug: 'production' },
        project: { id: projectId, path_with_namespace: 'shop/web' },
      });
      const again = await post(nomad.url, redelivery, { 'x-gantry-signature-256': sign(secret, redelivery) });
      assert.equal(again.status, 200);
      await nomad.stop();
      const restarted = await startDeployer([
        ...common,
        '--secret',
        secret,
        '--job-file',
        'deploy/web.nomad.hcl',
      ]);
      const afterRestart = await post(restarted.url, redelivery, {
        'x-gantry-signature-256': sign(secret, redelivery),
      });
      assert.equal(afterRestart.status, 202);
      await eventually(
        async () => (/already reported, ignoring the redelivery/.test(restarted.output()) ? true : undefined),
        () => restarted.output(),
      );
      assert.deepEqual(await cliRuns(), before, 'a redelivery runs nothing');
      assert.deepEqual(
        (await statuses(shipped.id)).map((s) => s.state),
        ['in_progress', 'success'],
        'the redelivery reported nothing',
      );
    });
  });
}
