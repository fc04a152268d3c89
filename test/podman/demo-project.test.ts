import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEMO_PROJECT_PATH } from '../../src/server/demo-project.ts';
import { repositoryOf } from '../../src/targets/podman/registry-digest.ts';
import { type DeploymentView, deploymentsOf, FINISHED } from '../deployments/deployment-helpers.ts';
import { registryTools } from '../registry/registry-helpers.ts';
import { commandWorks, realDependency } from '../runner/real-dependency.ts';
import { DIALECTS } from '../support/dialects.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { cloneProject, eventually, pushFiles } from '../support/pipeline-helpers.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { cleanUpPodman, type PodmanDeploymentView, podman, podmanDependency } from './podman-helpers.ts';

// The demo `gantry serve --demo` creates, end to end on this host: its pipeline builds the Go app into
// a FROM scratch image with real podman, pushes it to Gantry's bundled registry (Debian's
// docker-registry) and deploys it to the local Podman target; the app answers with the commit it was
// built from. Then: a second version, a rollback, data kept on the volume, production behind one
// approval, a rebuild (same commit, new digest, deployed), and stop.

const go = realDependency(commandWorks('go', ['version']), 'go (the demo app is built with it)');
/** Pods, volumes and containers of the demo project start with this (project path slug). */
const DEMO_PREFIX = 'demo-hello-';
const DEMO_IMAGE_PREFIX = 'demo/hello/';
/** The first build compiles Go's standard library (about 20 s on 2 cores) when its cache is cold. */
const PIPELINE_TIMEOUT_MS = 240_000;

interface Environment {
  id: number;
  name: string;
  state: string;
  external_url: string | null;
}

async function get(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  assert.equal(response.status, 200, `GET ${url}: ${response.status}`);
  return response.text();
}

async function removeDemoImages(): Promise<void> {
  const images = (await podman(['images', '--format', '{{.Repository}}:{{.Tag}}']).catch(() => ''))
    .split('\n')
    .filter((line) => line.includes(`/${DEMO_IMAGE_PREFIX}`));
  if (images.length > 0) await podman(['rmi', '--force', ...images]).catch(() => '');
}

for (const dialect of DIALECTS) {
  describe(`the demo project (${dialect})`, {
    ...podmanDependency.options,
    ...registryTools.options,
    ...go.options,
  }, () => {
    let t: TestServer;
    let scratch: ScratchDir;
    let projectId: number;
    before(async () => {
      podmanDependency.assertPresent();
      registryTools.assertPresent();
      go.assertPresent();
      await cleanUpPodman(DEMO_PREFIX);
      t = await startTestServer(dialect, { env: { GANTRY_DEMO: 'true' } });
      scratch = await scratchDir();
      projectId = (await t.api<{ id: number }>('GET', `projects/${encodeURIComponent(DEMO_PROJECT_PATH)}`))
        .body.id;
    });
    after(async () => {
      await t?.stop();
      await scratch?.cleanup();
      await cleanUpPodman(DEMO_PREFIX);
      await removeDemoImages();
    });

    const environments = async () =>
      (await t.api<Environment[]>('GET', `projects/${projectId}/environments`)).body;
    /** The deployment of `sha` to `environment` once it has ended (it must succeed). */
    const deployed = async (environment: string, where: (d: DeploymentView) => boolean) => {
      const found = await eventually(
        async () =>
          (await deploymentsOf(t, projectId)).find((d) => d.environment.name === environment && where(d)),
        async () =>
          `no such deployment to ${environment}: ${JSON.stringify(await deploymentsOf(t, projectId))}`,
        PIPELINE_TIMEOUT_MS,
      );
      const ended = await eventually(
        async () => {
          const view = (
            await t.api<PodmanDeploymentView & { rebuild: boolean }>(
              'GET',
              `projects/${projectId}/deployments/${found.id}`,
            )
          ).body;
          return FINISHED.includes(view.status) ? view : undefined;
        },
        () => `deployment ${found.id} to ${environment} did not end`,
        PIPELINE_TIMEOUT_MS,
      );
      assert.equal(ended.status, 'success', `deployment #${ended.iid} to ${environment}: ${ended.status}`);
      return ended;
    };
    const environmentCalled = async (name: string) => {
      const environment = (await environments()).find((candidate) => candidate.name === name);
      assert.ok(environment, `no environment ${name}`);
      return environment;
    };
    const urlOf = async (name: string) => {
      const environment = await environmentCalled(name);
      assert.ok(environment.external_url, `${name} has a URL`);
      return environment.external_url;
    };

    test('the first pipeline builds, pushes and deploys staging; the app answers with its commit', async () => {
      const first = await deployed('staging', () => true);
      const url = await urlOf('staging');
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal((await get(`${url}/version`)).trim(), first.sha);
      assert.match(await get(url), new RegExp(`Deployed commit: <code title="${first.sha}">`));
      const image = first.snapshot!.images.find((i) => i.container === 'web')!;
      assert.match(image.image, new RegExp(`/${DEMO_PROJECT_PATH}/web:${first.sha.slice(0, 8)}$`));
      assert.match(image.digest ?? '', /^sha256:[0-9a-f]{64}$/);

      // The registry knows the tag by the digest the environment runs.
      const repositories = (
        await t.api<Array<{ id: number; name: string }>>('GET', `projects/${projectId}/registry/repositories`)
      ).body;
      const web = repositories.find((r) => r.name.endsWith('web'));
      assert.ok(web, JSON.stringify(repositories));
      const tags = (
        await t.api<Array<{ name: string; digest: string; environments: Array<{ name: string }> }>>(
          'GET',
          `projects/${projectId}/registry/repositories/${web.id}/tags`,
        )
      ).body;
      const tag = tags.find((candidate) => candidate.name === first.sha.slice(0, 8));
      assert.equal(tag?.digest, image.digest, 'the environment runs the digest the registry holds');
      assert.deepEqual(
        tag?.environments.map((e) => e.name),
        ['staging'],
      );
    });

    test('version 2, rollback to version 1, data kept on the volume across re-deploys', async () => {
      const url = await urlOf('staging');
      const visits = async () => Number((await get(url)).match(/volume: (\d+)/)?.[1]);
      const before = await visits();
      const v1 = (await deploymentsOf(t, projectId)).find((d) => d.environment.name === 'staging')!;
      const work = await cloneProject(t, DEMO_PROJECT_PATH, join(scratch.path, 'hello'));
      const v2sha = await pushFiles(work, { 'README.md': '# hello, version 2\n' });
      const v2 = await deployed('staging', (d) => d.sha === v2sha);
      assert.equal(await urlOf('staging'), url, 'the environment keeps its port');
      assert.equal((await get(`${url}/version`)).trim(), v2.sha);
      assert.equal(await visits(), before + 1, 'the visit count survived the re-deploy (named volume)');

      const rollback = await t.api<{ id: number }>(
        'POST',
        `projects/${projectId}/deployments/${v1.id}/rollback`,
      );
      assert.equal(rollback.status, 201, JSON.stringify(rollback.body));
      const rolledBack = await deployed('staging', (d) => d.id === rollback.body.id);
      assert.equal(rolledBack.sha, v1.sha);
      assert.equal((await get(`${url}/version`)).trim(), v1.sha, 'version 1 answers again');
      assert.equal(await visits(), before + 2, 'and the data is still there');
    });

    test('production is manual and needs one approval; then it runs the same image', async () => {
      // Waiting for an approval before anyone clicks: approving with `deploy` also starts the manual
      // job (the newest pipeline's; older ones are outdated).
      const blocked = await eventually(
        async () =>
          (await deploymentsOf(t, projectId))
            .filter((d) => d.environment.name === 'production' && d.status === 'blocked')
            .sort((a, b) => b.id - a.id)[0],
        async () => `no blocked production deployment: ${JSON.stringify(await deploymentsOf(t, projectId))}`,
      );
      const approval = await t.api('POST', `projects/${projectId}/deployments/${blocked.id}/approval`, {
        body: { status: 'approved', deploy: true },
      });
      assert.equal(approval.status, 201, JSON.stringify(approval.body));
      const done = await deployed('production', (d) => d.id === blocked.id);
      const url = await urlOf('production');
      assert.notEqual(url, await urlOf('staging'), 'each environment has its own port');
      assert.equal((await get(`${url}/version`)).trim(), done.sha);
    });

    test('a rebuild of staging builds a new image of the same commit and deploys it', async () => {
      const current = (await deploymentsOf(t, projectId)).find(
        (d) => d.environment.name === 'staging' && d.status === 'success',
      )!;
      const currentView = (
        await t.api<PodmanDeploymentView>('GET', `projects/${projectId}/deployments/${current.id}`)
      ).body;
      const staging = await environmentCalled('staging');
      const rebuild = await t.api<Array<{ id: number; sha: string }>>(
        'POST',
        `projects/${projectId}/environments/${staging.id}/rebuild`,
      );
      assert.equal(rebuild.status, 201, JSON.stringify(rebuild.body));
      assert.equal(rebuild.body[0]!.sha, current.sha, 'at the deployed commit');
      const rebuilt = await deployed('staging', (d) => d.id > current.id && d.sha === current.sha);
      assert.equal(rebuilt.rebuild, true, 'the history shows it as a rebuild');
      const before = currentView.snapshot!.images.find((i) => i.container === 'web')!;
      const after = rebuilt.snapshot!.images.find((i) => i.container === 'web')!;
      // (Before, staging ran a rollback: the image pinned by digest; the rebuild deploys by tag.)
      assert.equal(after.image, `${repositoryOf(before.image)}:${current.sha.slice(0, 8)}`, 'same tag');
      assert.match(after.digest ?? '', /^sha256:/);
      assert.notEqual(after.digest, before.digest, 'a fresh image: a new digest');
      assert.equal((await get(`${await urlOf('staging')}/version`)).trim(), current.sha);

      // The tag now names the rebuilt image; rolling back runs the digest the older deployment ran.
      const back = await t.api<{ id: number }>(
        'POST',
        `projects/${projectId}/deployments/${current.id}/rollback`,
      );
      assert.equal(back.status, 201, JSON.stringify(back.body));
      const restored = await deployed('staging', (d) => d.id === back.body.id);
      const image = restored.snapshot!.images.find((i) => i.container === 'web')!;
      assert.equal(image.image, `${repositoryOf(before.image)}@${before.digest}`);
      assert.equal(image.digest, before.digest, 'the pre-rebuild image runs again');
    });

    test('stop removes the containers and keeps the volume', async () => {
      const url = await urlOf('staging');
      const staging = await environmentCalled('staging');
      const stop = await t.api('POST', `projects/${projectId}/environments/${staging.id}/stop`);
      assert.equal(stop.status, 200, JSON.stringify(stop.body));
      await eventually(
        async () => ((await environmentCalled('staging')).state === 'stopped' ? true : undefined),
        async () => JSON.stringify(await environments()),
      );
      const pods = await podman(['pod', 'ps', '--format', '{{.Name}}']);
      assert.doesNotMatch(pods, /demo-hello-staging-/, 'no staging pod left');
      await assert.rejects(fetch(url, { signal: AbortSignal.timeout(2000) }), 'nothing answers any more');
      assert.match(await podman(['volume', 'ls', '--format', '{{.Name}}']), /demo-hello-staging-/);
      assert.match(await get(`${await urlOf('production')}/healthz`), /ok/, 'production still runs');
    });
  });
}
