import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { environmentNamed } from '../deployments/deployment-helpers.ts';
import { cleanUpPodman, podman, podmanDependency } from '../podman/podman-helpers.ts';
import { registryTools } from '../registry/registry-helpers.ts';
import { browserSuiteOptions, screenshot, useBrowser } from '../support/browser.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import {
  cloneProject,
  eventually,
  jobNamed,
  type PipelineView,
  pipelineFor,
  pushFiles,
  trace,
  waitForPipeline,
} from '../support/pipeline-helpers.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';
import { signIn } from '../support/web-ui.ts';

// Container images in the browser, against a real server with its embedded runner, the bundled
// registry and this host's Podman: a Podman target added in the settings (checked against the host);
// a push whose job builds and pushes an image that staging then runs on Podman; the registry page
// listing it with the environment running its digest; the environment page's images and Podman
// live view; a rebuild from the environment page and from the environments list, marked in the
// history with a new digest; a rebuild schedule added, run, deactivated and deleted; a tag deleted;
// and a reporter seeing all of it but none of the actions.

const run = randomBytes(3).toString('hex');
const PASSWORD = 'images-password-1';
const BUILD_TIMEOUT_MS = 180_000;

const CONTAINERFILE = `FROM scratch
COPY busybox /bin/busybox
COPY index.html /www/index.html
ENTRYPOINT ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]
`;

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: web
          ports: [{ containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /, port: 8080 } }
`;

/** Build and push an image (afresh on a rebuild), then deploy it to staging on the Podman target. */
const PIPELINE = `stages: [build, deploy]
build:
  stage: build
  script:
    - podman login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" "$CI_REGISTRY"
    - cp /bin/busybox busybox
    - podman build --pull=never --network none \${GANTRY_REBUILD:+--no-cache} -t "$CI_REGISTRY_IMAGE/web:$CI_COMMIT_SHORT_SHA" .
    - podman push "$CI_REGISTRY_IMAGE/web:$CI_COMMIT_SHORT_SHA"
    # The deployer then pulls it from the registry, as a host other than the builder's would.
    - podman rmi "$CI_REGISTRY_IMAGE/web:$CI_COMMIT_SHORT_SHA"
staging:
  stage: deploy
  environment: staging
  deploy:
    manifests: k8s/
    images:
      web: $CI_REGISTRY_IMAGE/web:$CI_COMMIT_SHORT_SHA
    timeout: 60s
`;

/** A table's body rows, each cell's rendered text by its column header. */
async function tableRows(table: Locator): Promise<Array<Record<string, string>>> {
  if ((await table.count()) === 0) return [];
  return table.evaluate((element) => {
    const headers = [...element.querySelectorAll('thead th')].map((cell) => cell.textContent?.trim() ?? '');
    return [...element.querySelectorAll('tbody tr')].map((row) =>
      Object.fromEntries(
        [...row.querySelectorAll('td')].map((cell, index) => [
          headers[index] || 'Actions',
          // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, as people read it
          (cell as HTMLElement).innerText.trim(),
        ]),
      ),
    );
  });
}

/** The accessible names of the buttons on the page (aria-label, else text). */
function buttonNames(page: Page): Promise<string[]> {
  return page
    .locator('button')
    .evaluateAll((buttons) =>
      buttons.map((b) => (b.getAttribute('aria-label') ?? b.textContent ?? '').trim()),
    );
}

/** Whether the page fits its viewport's width (tables scroll inside their own box). */
function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

for (const dialect of DIALECTS) {
  const options = {
    ...dialectSuiteOptions(dialect),
    ...browserSuiteOptions(),
    ...podmanDependency.options,
    ...registryTools.options,
  };
  describe(`container images, Podman and rebuilds in the browser on ${dialect}`, options, () => {
    const browser = useBrowser();
    const path = `images-${run}/${dialect}`;
    let t: TestServer;
    let work: ScratchDir;
    let projectId: number;
    let clone: string;
    let page: Page;
    let sha: string;
    let stagingId: number;
    let firstDigest: string;
    let rebuiltDigest: string;

    before(async () => {
      podmanDependency.assertPresent();
      registryTools.assertPresent();
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '2' } });
      work = await scratchDir('gantry-web-images-');
      const maintainer = await createUserWithToken(t, 'mara', { password: PASSWORD });
      const reporter = await createUserWithToken(t, 'rita', { password: PASSWORD });
      const created = await t.api<{ id: number }>('POST', 'projects', { body: { path } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      projectId = created.body.id;
      for (const [user, level] of [
        [maintainer, 40],
        [reporter, 20],
      ] as const) {
        const added = await t.api('POST', `projects/${projectId}/members`, {
          body: { user_id: user.id, access_level: level },
        });
        assert.equal(added.status, 201, JSON.stringify(added.body));
      }
      clone = await cloneProject(t, path, join(work.path, 'app'));
      page = await browser.newPage();
      await signIn(page, t.url, 'mara', PASSWORD, `/projects/${projectId}/settings/targets`);
    });
    after(async () => {
      await t?.stop();
      await work?.cleanup();
      // The pods of the environments, and the images the jobs built and the deployer pulled.
      await cleanUpPodman(`images-${run}-${dialect}-`);
      const images = (await podman(['images', '--format', '{{.Repository}}:{{.Tag}}']).catch(() => ''))
        .split('\n')
        .filter((image) => image.includes(`/images-${run}/${dialect}/`));
      if (images.length > 0) await podman(['rmi', '--force', ...images]).catch(() => '');
    });

    const settled = async (target: Page) => {
      await target.getByText('Loading…').first().waitFor({ state: 'detached' });
    };
    const pipelineDone = async (pipelineId: number) => {
      const { pipeline, jobs } = await waitForPipeline(t, projectId, pipelineId, undefined, BUILD_TIMEOUT_MS);
      const logs = await Promise.all(jobs.map((job) => trace(t, projectId, job.id)));
      assert.equal(pipeline.status, 'success', logs.join('\n----\n'));
      return { pipeline, jobs };
    };
    const podmanRegion = (target: Page) => target.getByRole('region', { name: 'Podman' });
    const imagesTable = (target: Page) => target.getByRole('table', { name: 'Images', exact: true });

    test('a Podman target is added in the settings: the host is checked and answers', async () => {
      const form = page.getByRole('form', { name: 'Add a target' });
      await form.getByLabel('Name', { exact: true }).fill('host');
      await form.getByLabel('Kind').selectOption({ label: 'Podman host' });
      assert.equal(await form.getByLabel('Host').inputValue(), 'local');
      assert.equal(await form.getByLabel('Cgroup manager').inputValue(), 'cgroupfs');
      // Another host over SSH needs its key: the API says so where the user acted.
      await form.getByLabel('Host').selectOption({ label: 'Another host (ssh:// or unix://)' });
      await form.getByLabel('Podman URL').fill('ssh://deploy@web1.example.test/run/podman/podman.sock');
      await form.getByLabel('SSH private key').waitFor();
      await form.getByRole('button', { name: 'Add target' }).click();
      await form.getByRole('alert').filter({ hasText: 'an ssh:// url needs ssh_key' }).waitFor();
      await screenshot(page, 'settings-targets-podman-remote-desktop');
      await form.getByLabel('Host').selectOption({ label: "This Gantry server's host" });
      assert.equal(await form.getByLabel('Podman URL').count(), 0);
      // Gantry's registry is served over plain HTTP here.
      await form.getByLabel('Pull over verified HTTPS only').uncheck();
      await screenshot(page, 'settings-targets-podman-form-desktop');
      await form.getByRole('button', { name: 'Add target' }).click();
      const added = page
        .getByRole('status')
        .filter({ hasText: 'Target host added: the host answered (Podman' });
      await added.waitFor({ timeout: 60_000 });
      const [target] = (
        await t.api<Array<{ podman: { version: string; url: string | null; tls_verify: boolean } }>>(
          'GET',
          `projects/${projectId}/targets`,
        )
      ).body;
      assert.deepEqual([target?.podman.url, target?.podman.tls_verify], [null, false]);
      assert.match(String(await added.textContent()), new RegExp(`Podman ${target!.podman.version}`));
      const row = page.locator('tr[data-target="host"]');
      assert.match(
        String(await row.textContent()),
        new RegExp(
          `Podman host[\\s\\S]*this Gantry server's host[\\s\\S]*Podman ${target!.podman.version}, runc, cgroupfs, ports on 127.0.0.1, pulls without TLS verification`,
        ),
      );
      await row.getByRole('button', { name: 'Check connection' }).click();
      await row
        .getByRole('status')
        .filter({ hasText: 'Connected: the host answered' })
        .waitFor({ timeout: 60_000 });
      await screenshot(page, 'settings-targets-podman-desktop');
    });

    test('a pushed image is listed by the registry page, with staging running its digest', async () => {
      await mkdir(join(clone, 'k8s'), { recursive: true });
      sha = await pushFiles(clone, {
        Containerfile: CONTAINERFILE,
        'index.html': 'version 1\n',
        'k8s/web.yaml': MANIFESTS,
        '.gantry.yml': PIPELINE,
      });
      await pipelineDone((await pipelineFor(t, projectId, sha)).id);
      stagingId = (await environmentNamed(t, projectId, 'staging')).id;

      await page.getByRole('navigation', { name: 'Project' }).getByRole('link', { name: 'Registry' }).click();
      // The only repository is opened at once.
      const repository = page.getByRole('button', { name: 'web', exact: true });
      await repository.waitFor();
      assert.equal(await repository.getAttribute('aria-expanded'), 'true');
      const host = new URL(t.url).host;
      await page.getByText(`${host}/${path}/web`, { exact: true }).waitFor();
      const tags = page.getByRole('table', { name: 'Tags of web' });
      const [row] = await eventually(
        async () => {
          const rows = await tableRows(tags);
          return rows[0]?.['Running in'] === 'staging' ? rows : undefined;
        },
        async () => `tags: ${JSON.stringify(await tableRows(tags))}`,
      );
      assert.equal(row?.Tag, sha.slice(0, 8));
      const [repositoryView] = (
        await t.api<Array<{ id: number }>>('GET', `projects/${projectId}/registry/repositories`)
      ).body;
      const [tag] = (
        await t.api<Array<{ digest: string }>>(
          'GET',
          `projects/${projectId}/registry/repositories/${repositoryView!.id}/tags`,
        )
      ).body;
      firstDigest = tag!.digest;
      assert.match(firstDigest, /^sha256:[0-9a-f]{64}$/);
      // The short digest, the full one on hover and copied by the button.
      assert.match(row?.Digest ?? '', new RegExp(`^${firstDigest.slice(0, 19)}\\s*Copy$`));
      assert.equal(
        await tags.getByTitle(firstDigest, { exact: true }).textContent(),
        firstDigest.slice(0, 19),
      );
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
      await tags.getByRole('button', { name: `Copy digest ${firstDigest.slice(0, 19)}` }).click();
      await tags
        .getByRole('button', { name: `Copy digest ${firstDigest.slice(0, 19)}` })
        .filter({ hasText: 'Copied' })
        .waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), firstDigest);
      // A maintainer may delete the tag.
      await tags.getByRole('button', { name: 'Delete' }).waitFor();
      await settled(page);
      assert.equal(await fitsWidth(page), true);
      await screenshot(page, 'registry-desktop');

      // The environment that runs it is a link to its page.
      await tags.getByRole('link', { name: 'staging' }).click();
      await page.waitForURL(new RegExp(`/environments/${stagingId}$`));
    });

    test('the environment page shows the digest staging runs and its containers on Podman', async () => {
      const images = await eventually(
        async () => {
          const rows = await tableRows(imagesTable(page));
          return rows.length > 0 ? rows : undefined;
        },
        () => 'no Images table',
      );
      assert.equal(images.length, 1);
      assert.equal(images[0]?.Container, 'web');
      assert.match(images[0]?.Digest ?? '', new RegExp(`^${firstDigest.slice(0, 19)}`));
      assert.equal(images[0]?.Image, `${new URL(t.url).host}/${path}/web:${sha.slice(0, 8)}`);

      const region = podmanRegion(page);
      await region.getByText('On target host, refreshed every 5 s.').waitFor();
      const pod = `images-${run}-${dialect}-staging-web-pod-0`;
      await region.getByRole('region', { name: `Pod ${pod}` }).waitFor();
      const containers = region.getByRole('table', { name: `Containers of ${pod}` });
      const [web] = await eventually(
        async () => {
          const rows = await tableRows(containers);
          return rows[0]?.State === 'running' ? rows : undefined;
        },
        async () => `containers: ${JSON.stringify(await tableRows(containers))}`,
      );
      assert.equal(web?.Container, 'web');
      assert.equal(web?.Restarts, '0');
      assert.match(web?.Ports ?? '', /^127\.0\.0\.1:\d+→8080$/);
      assert.match(web?.Digest ?? '', /^sha256:[0-9a-f]{12}/);
      // Not on Kubernetes: that live view is not shown.
      assert.equal(await page.getByRole('region', { name: 'Kubernetes' }).count(), 0);
      // The environment URL answers with what the page says runs there.
      const url = `http://${web!.Ports!.split('→')[0]}`;
      assert.equal((await (await fetch(url)).text()).trim(), 'version 1');
      await settled(page);
      await screenshot(page, 'environment-podman-desktop');

      const phone = await browser.newPage({ viewport: 'phone' });
      await signIn(phone, t.url, 'mara', PASSWORD, `/projects/${projectId}/environments/${stagingId}`);
      await podmanRegion(phone).getByRole('table').waitFor();
      await imagesTable(phone).waitFor();
      await settled(phone);
      assert.equal(
        await fitsWidth(phone),
        true,
        'the environment page does not scroll sideways; its tables do',
      );
      await screenshot(phone, 'environment-podman-phone');
      await phone.goto(`${t.url}/projects/${projectId}/registry`);
      await phone.getByRole('table', { name: 'Tags of web' }).waitFor();
      await settled(phone);
      assert.equal(await fitsWidth(phone), true, 'the registry page fits a phone');
      await screenshot(phone, 'registry-phone');
      await phone.close();
    });

    test('Rebuild runs the pipeline again at the deployed commit; the history marks it, with a new digest', async () => {
      await page.evaluate(() => {
        (window as unknown as { notReloaded: boolean }).notReloaded = true;
      });
      await page.getByRole('button', { name: 'Rebuild', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Rebuild staging?' });
      assert.match(
        String(await dialog.textContent()),
        new RegExp(`deployed commit ${sha.slice(0, 8)} on main`),
      );
      await screenshot(page, 'rebuild-dialog-desktop');
      await dialog.getByRole('button', { name: 'Rebuild' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const started = page.getByRole('status').filter({ hasText: 'Rebuild started: pipeline' });
      await started.waitFor();
      const link = started.getByRole('link');
      const pipelineId = Number(/\/pipelines\/(\d+)$/.exec((await link.getAttribute('href')) ?? '')?.[1]);
      const pipeline = (
        await t.api<PipelineView & { iid: number; source: string }>(
          'GET',
          `projects/${projectId}/pipelines/${pipelineId}`,
        )
      ).body;
      assert.equal(await link.textContent(), `#${pipeline.iid}`);
      assert.equal(pipeline.sha, sha, 'the deployed commit');
      assert.equal(pipeline.source, 'rebuild');
      const { jobs } = await pipelineDone(pipelineId);
      assert.match(
        await trace(t, projectId, jobNamed(jobs, 'build').id),
        /--no-cache|Pushing|Writing manifest/,
      );

      // Live: the history's new row carries the badge, the images and containers the new digest.
      const history = page.getByRole('table', { name: 'Deployment history' });
      const rebuilt = history.getByRole('row').filter({ has: page.getByText('rebuild', { exact: true }) });
      await rebuilt.filter({ has: page.getByText('success', { exact: true }) }).waitFor({ timeout: 30_000 });
      assert.match(String(await rebuilt.textContent()), /current/);
      const staging = await environmentNamed(t, projectId, 'staging');
      const snapshot = staging.last_successful_deployment as unknown as {
        rebuild: boolean;
        snapshot: { images: Array<{ digest: string }> };
      };
      assert.equal(snapshot.rebuild, true);
      rebuiltDigest = snapshot.snapshot.images[0]!.digest;
      assert.notEqual(rebuiltDigest, firstDigest, 'a fresh image, not the one built before');
      await imagesTable(page).getByText(rebuiltDigest.slice(0, 19)).waitFor();
      await podmanRegion(page)
        .getByRole('table')
        .getByText(rebuiltDigest.slice(0, 19))
        .waitFor({ timeout: 30_000 });
      assert.equal(
        await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded),
        true,
        'the page was not reloaded',
      );
      await settled(page);
      await screenshot(page, 'environment-rebuilt-desktop');
    });

    test('Rebuild all on the environments list rebuilds every deployed environment', async () => {
      await page
        .getByRole('navigation', { name: 'Breadcrumbs' })
        .getByRole('link', { name: 'Environments' })
        .click();
      await page.getByRole('button', { name: 'Rebuild all' }).click();
      const dialog = page.getByRole('dialog', { name: 'Rebuild every environment?' });
      await screenshot(page, 'rebuild-all-dialog-desktop');
      await dialog.getByRole('button', { name: 'Rebuild all' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const started = page.getByRole('status').filter({ hasText: 'Rebuild started: pipeline' });
      await started.waitFor();
      const href = (await started.getByRole('link').getAttribute('href')) ?? '';
      await pipelineDone(Number(/\/pipelines\/(\d+)$/.exec(href)?.[1]));
      await settled(page);
      await screenshot(page, 'environments-rebuild-all-desktop');
    });

    test('a rebuild schedule is added, listed, run, deactivated and deleted', async () => {
      await page.goto(`${t.url}/projects/${projectId}/settings/rebuild-schedules`);
      await page.getByText('No rebuild schedules.').waitFor();
      const form = page.getByRole('form', { name: 'Add a rebuild schedule' });
      await form.getByLabel('Description').fill('Weekly base image refresh');
      await form.getByLabel('Cron').fill('0 4 * * 1');
      await form.getByLabel('Time zone').fill('Europe/Berlin');
      await form.getByLabel('Environments').fill('nowhere');
      await form.getByRole('button', { name: 'Add schedule' }).click();
      // The API's own error, where the user acted.
      await form.getByRole('alert').filter({ hasText: 'nowhere' }).waitFor();
      await form.getByLabel('Environments').fill('staging');
      await form.getByRole('button', { name: 'Add schedule' }).click();
      const table = page.getByRole('table', { name: 'Rebuild schedules' });
      const [row] = await eventually(
        async () => {
          const rows = await tableRows(table);
          return rows.length === 1 ? rows : undefined;
        },
        () => 'the schedule is not listed',
      );
      assert.equal(row?.Schedule, 'Weekly base image refresh\n0 4 * * 1 Europe/Berlin');
      assert.equal(row?.Environments, 'staging');
      assert.match(row?.['Next run'] ?? '', /^in \d+ (d|h|min)$/);
      assert.equal(row?.['Last run'], 'never');
      assert.equal(await form.getByLabel('Description').inputValue(), '', 'the form is emptied');
      const [schedule] = (
        await t.api<Array<{ cron_timezone: string; environments: string[]; owner: { username: string } }>>(
          'GET',
          `projects/${projectId}/rebuild_schedules`,
        )
      ).body;
      assert.deepEqual(
        [schedule?.cron_timezone, schedule?.environments, schedule?.owner.username],
        ['Europe/Berlin', ['staging'], 'mara'],
      );
      await settled(page);
      await screenshot(page, 'settings-rebuild-schedules-desktop');

      const rowLocator = table.getByRole('row').nth(1);
      await rowLocator.getByRole('button', { name: 'Run now' }).click();
      const dialog = page.getByRole('dialog', { name: 'Run “Weekly base image refresh” now?' });
      await dialog.getByRole('button', { name: 'Rebuild' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const started = rowLocator.getByRole('status').filter({ hasText: 'Rebuild started: pipeline' });
      await started.waitFor();
      await pipelineDone(
        Number(/\/pipelines\/(\d+)$/.exec((await started.getByRole('link').getAttribute('href')) ?? '')?.[1]),
      );

      await rowLocator.getByRole('button', { name: 'Deactivate' }).click();
      await rowLocator.getByText('inactive', { exact: true }).waitFor();
      await rowLocator.getByRole('button', { name: 'Activate' }).waitFor();
      // Reloaded, the last run is the one played.
      await page.reload();
      await table.getByRole('row').nth(1).getByText('success', { exact: true }).waitFor();

      await table.getByRole('row').nth(1).getByRole('button', { name: 'Delete' }).click();
      const remove = page.getByRole('dialog', { name: 'Delete “Weekly base image refresh”?' });
      await remove.getByRole('button', { name: 'Delete' }).click();
      await page.getByText('No rebuild schedules.').waitFor();
      // Kept for the reporter's look and the phone's.
      const kept = await t.api('POST', `projects/${projectId}/rebuild_schedules`, {
        body: { description: 'Nightly', cron: '0 3 * * *', environments: null },
      });
      assert.equal(kept.status, 201, JSON.stringify(kept.body));
    });

    test('a reporter sees the registry, the Podman view and the schedules, but none of the actions', async () => {
      const reporter = await browser.newPage();
      const phone = await browser.newPage({ viewport: 'phone' });
      for (const target of [reporter, phone]) {
        await signIn(target, t.url, 'rita', PASSWORD, `/projects/${projectId}/environments/${stagingId}`);
        await podmanRegion(target).getByRole('table').waitFor();
        await target
          .getByRole('table', { name: 'Deployment history' })
          .getByText('rebuild')
          .first()
          .waitFor();
        await settled(target);
      }
      const actions = /^(deploy|re-?deploy|rebuild|rollback|stop|delete|run now|activate|deactivate)/i;
      assert.deepEqual(
        (await buttonNames(reporter)).filter((name) => actions.test(name)),
        [],
      );
      await screenshot(reporter, 'environment-podman-reporter-desktop');

      await reporter.goto(`${t.url}/projects/${projectId}/environments`);
      await reporter
        .getByRole('table', { name: 'Environments' })
        .getByRole('link', { name: 'staging' })
        .waitFor();
      await settled(reporter);
      assert.deepEqual(
        (await buttonNames(reporter)).filter((name) => actions.test(name)),
        [],
      );

      await reporter.goto(`${t.url}/projects/${projectId}/registry`);
      await reporter
        .getByRole('table', { name: 'Tags of web' })
        .getByRole('link', { name: 'staging' })
        .first()
        .waitFor();
      await settled(reporter);
      assert.deepEqual(
        (await buttonNames(reporter)).filter((name) => actions.test(name)),
        [],
      );
      await screenshot(reporter, 'registry-reporter-desktop');

      for (const target of [reporter, phone]) {
        await target.goto(`${t.url}/projects/${projectId}/settings/rebuild-schedules`);
        await target.getByRole('table', { name: 'Rebuild schedules' }).getByText('Nightly').waitFor();
        await settled(target);
        assert.equal(await target.locator('.settings-content button').count(), 0, 'no action on schedules');
        assert.equal(await target.getByRole('form').count(), 0, 'no form');
      }
      assert.equal(await fitsWidth(phone), true);
      await screenshot(reporter, 'settings-rebuild-schedules-reporter-desktop');
      await screenshot(phone, 'settings-rebuild-schedules-phone');
      await reporter.close();
      await phone.close();
    });

    test('a maintainer deletes a tag: its image leaves the registry', async () => {
      await page.goto(`${t.url}/projects/${projectId}/registry`);
      const tags = page.getByRole('table', { name: 'Tags of web' });
      await tags.getByRole('row').nth(1).waitFor();
      await tags.getByRole('button', { name: 'Delete' }).click();
      const dialog = page.getByRole('dialog', { name: `Delete tag ${sha.slice(0, 8)}?` });
      assert.match(
        String(await dialog.textContent()),
        /Environments running it \(staging\) go on running it/,
      );
      await screenshot(page, 'registry-delete-dialog-desktop');
      await dialog.getByRole('button', { name: 'Delete' }).click();
      await page.getByText('No tags: every image of this repository was deleted.').waitFor();
      await page.getByText('0 tags', { exact: true }).waitFor();
    });
  });
}
