import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { environmentNamed } from '../deployments/deployment-helpers.ts';
import { pushAndDeploy } from '../podman/podman-helpers.ts';
import { skipOutsideCi } from '../runner/real-dependency.ts';
import { browserSuiteOptions, screenshot, useBrowser } from '../support/browser.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import {
  mavenRepositoryUnavailableReason,
  type RunningMavenRepository,
  startMavenRepository,
} from '../support/maven-repository.ts';
import { cloneProject, trace } from '../support/pipeline-helpers.ts';
import { type RunningS3Server, s3ServerSuiteOptions, startS3Server } from '../support/s3-server.ts';
import { type RunningSshd, sshdSuiteOptions, startSshd } from '../support/sshd.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';
import { signIn } from '../support/web-ui.ts';

// The S3, Ansible, Maven and SFTP targets in the browser, each against its real server on loopback
// (versitygw, OpenSSH sshd with ansible-playbook, nginx WebDAV, an SFTP-only sshd): added through the
// settings form and checked by the server, listed without secrets, then a push deploying to it whose
// result the environment page's "What was deployed" panel shows (objects, play recap, coordinates
// and files, the release), with no Kubernetes parts on the page.

const run = randomBytes(3).toString('hex');
const PASSWORD = 'file-targets-password-1';

const s3Options = s3ServerSuiteOptions();
const sshdOptions = sshdSuiteOptions();
const mavenUnavailable = mavenRepositoryUnavailableReason();
const mavenOptions = skipOutsideCi(mavenUnavailable);

/** A build job writing a page and a stylesheet under public/, and a deploy job shipping public/. */
const sitePipeline = (deploySettings = '') => `build:
  stage: build
  script:
    - mkdir -p public/css
    - echo '<h1>hello from gantry</h1>' > public/index.html
    - echo 'body {}' > public/css/site.css
  artifacts: { paths: [public/] }
deploy-production:
  stage: deploy
  environment: { name: production }
  deploy:
    files: public
${deploySettings}`;

/** A play writing the release to a file on every host of the inventory. */
const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - name: write the release
      ansible.builtin.copy:
        dest: "{{ OUT_DIR }}/release.txt"
        content: "{{ VERSION }} {{ CI_ENVIRONMENT_NAME }}\\n"
`;

const ansiblePipeline = (outDir: string) => `variables: { VERSION: "7", OUT_DIR: "${outDir}" }
deploy-production:
  stage: deploy
  environment: { name: production }
  deploy:
    playbook: deploy/site.yml
`;

/** A build job making a "jar", published to the repository as group:cart:1.0.0. */
const mavenPipeline = (group: string) => `build:
  stage: build
  script:
    - mkdir -p target
    - printf 'cart one' > target/cart.jar
  artifacts: { paths: [target/] }
publish:
  stage: deploy
  environment: { name: maven-central }
  deploy:
    files: target
    maven:
      group_id: ${group}
      artifact_id: cart
      version: 1.0.0
      artifacts: [cart.jar]
`;

describe('S3, Ansible, Maven and SFTP targets in the browser', browserSuiteOptions(), () => {
  const browser = useBrowser();
  let s3: RunningS3Server | undefined;
  let maven: RunningMavenRepository | undefined;
  let sshd: RunningSshd | undefined;
  let sftpd: RunningSshd | undefined;
  let disk: ScratchDir;
  before(async () => {
    disk = await scratchDir('gantry-web-file-targets-');
    if (!s3Options.skip) s3 = await startS3Server();
    if (!mavenOptions.skip) {
      if (mavenUnavailable !== undefined) throw new Error(mavenUnavailable);
      maven = await startMavenRepository();
    }
    if (!sshdOptions.skip) {
      sshd = await startSshd();
      sftpd = await startSshd({ sftpOnly: {} });
    }
  });
  after(async () => {
    await s3?.stop();
    await maven?.stop();
    await sshd?.stop();
    await sftpd?.stop();
    await disk?.cleanup();
  });

  for (const dialect of DIALECTS) {
    describe(`on ${dialect}`, dialectSuiteOptions(dialect), () => {
      let t: TestServer;
      let maintainerId: number;
      let page: Page;
      let phone: Page;
      before(async () => {
        t = await startTestServer(dialect);
        maintainerId = (await createUserWithToken(t, 'mara', { password: PASSWORD })).id;
        page = await browser.newPage();
        await signIn(page, t.url, 'mara', PASSWORD);
        phone = await browser.newPage({ viewport: 'phone' });
        await signIn(phone, t.url, 'mara', PASSWORD);
      });
      after(async () => {
        await t?.stop();
      });

      /** A project of which mara is a maintainer, with a clone to push to; the page on its targets. */
      const newProject = async (kind: string) => {
        const path = `${kind}-web-${run}/${dialect}`;
        const created = await t.api<{ id: number }>('POST', 'projects', { body: { path } });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const added = await t.api('POST', `projects/${created.body.id}/members`, {
          body: { user_id: maintainerId, access_level: 40 },
        });
        assert.equal(added.status, 201, JSON.stringify(added.body));
        const clone = await cloneProject(t, path, join(disk.path, `${dialect}-${kind}-clone`));
        await page.goto(`${t.url}/projects/${created.body.id}/settings/targets`);
        return { id: created.body.id, clone };
      };

      /**
       * Fills the add form's name and kind, then `fill` the kind's fields; submits; waits for the
       * server's check (`checked`, as the added notice says it) and returns the list's row (also
       * looked at on a phone).
       */
      const addTarget = async (
        kind: string,
        label: string,
        fill: (form: Locator) => Promise<void>,
        checked: string,
      ) => {
        const form = page.getByRole('form', { name: 'Add a target' });
        await form.getByLabel('Name', { exact: true }).fill(kind);
        await form.getByLabel('Kind').selectOption({ label });
        await fill(form);
        await screenshot(page, `settings-targets-${kind}-form-desktop`);
        await form.getByRole('button', { name: 'Add target' }).click();
        await page
          .getByRole('status')
          .filter({ hasText: `Target ${kind} added: ${checked}.` })
          .waitFor({ timeout: 60_000 });
        const row = page.locator(`tr[data-target="${kind}"]`);
        await row.waitFor();
        await screenshot(page, `settings-targets-${kind}-list-desktop`);
        await phone.goto(page.url());
        await phone.locator(`tr[data-target="${kind}"]`).waitFor();
        assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
        await screenshot(phone, `settings-targets-${kind}-list-phone`);
        return row;
      };

      /**
       * Opens the environment page on desktop and phone; `check` looks at its "What was deployed"
       * panel. Neither the Kubernetes live view nor its namespace is shown, nothing overflows.
       */
      const checkDeployed = async (
        projectId: number,
        environmentName: string,
        kind: string,
        check: (panel: Locator) => Promise<void>,
      ) => {
        const environment = await environmentNamed(t, projectId, environmentName);
        for (const [target, size] of [
          [page, 'desktop'],
          [phone, 'phone'],
        ] as const) {
          await target.goto(`${t.url}/projects/${projectId}/environments/${environment.id}`);
          const panel = target.getByRole('region', { name: 'What was deployed' });
          await check(panel);
          assert.ok(await target.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
          assert.equal(await target.getByRole('region', { name: 'Kubernetes' }).count(), 0);
          assert.equal(await target.getByText('Kubernetes namespace').count(), 0);
          // Logs, shells and graphs look into containers: there are none to look into.
          assert.equal(await target.getByRole('navigation', { name: 'Environment views' }).count(), 0);
          await screenshot(target, `environment-${kind}-deployed-${size}`);
        }
      };

      test(
        'an S3 bucket is added through the form; the environment page lists the objects',
        s3Options,
        async () => {
          const server = s3!;
          const bucket = `gantry-web-${run}-${dialect}`;
          await server.createBucket(bucket);
          const project = await newProject('s3');
          const row = await addTarget(
            's3',
            'S3 bucket',
            async (form) => {
              await form.getByLabel('Bucket', { exact: true }).fill(bucket);
              await form.getByLabel('Prefix', { exact: true }).fill('site/');
              await form.getByLabel('Endpoint', { exact: true }).fill(server.endpoint);
              // An S3-compatible server wants the bucket in the path: the form says so by default.
              assert.equal(await form.getByLabel('Path-style URLs').isChecked(), true);
              await form.getByLabel('Access key ID').fill(server.accessKeyId);
              await form.getByLabel('Secret access key').fill(server.secretAccessKey);
            },
            `the bucket ${bucket} answered`,
          );
          const text = String(await row.textContent());
          assert.match(text, /S3 bucket/);
          assert.match(text, new RegExp(`s3://${bucket}/site/`));
          assert.match(text, /path-style, versions under a prefix/);
          assert.match(text, /secret set/);
          assert.doesNotMatch(String(await page.content()), new RegExp(server.secretAccessKey));
          // Edited, it starts from the stored settings (the secret blank: kept) and is checked again.
          await row.getByRole('button', { name: 'Edit s3' }).click();
          const dialog = page.getByRole('dialog', { name: 'Edit target s3' });
          assert.equal(await dialog.getByLabel('Endpoint', { exact: true }).inputValue(), server.endpoint);
          assert.equal(await dialog.getByLabel('Path-style URLs').isChecked(), true);
          assert.equal(await dialog.getByLabel('Secret access key').inputValue(), '');
          await dialog.getByRole('button', { name: 'Save and check' }).click();
          await dialog.waitFor({ state: 'hidden', timeout: 60_000 });
          await row
            .getByRole('status')
            .filter({ hasText: `Saved: the bucket ${bucket} answered.` })
            .waitFor();

          const { deployments } = await pushAndDeploy(t, project, {
            '.gantry.yml': sitePipeline('    cache_control: { "*.html": no-cache }\n'),
          });
          const production = deployments.production!;
          assert.equal(production.status, 'success', await trace(t, project.id, production.deployable!.id));
          await checkDeployed(project.id, 'production', 's3', async (panel) => {
            await panel.getByText(`s3://${bucket}/site/`, { exact: true }).waitFor();
            await panel.getByText('kept under a versions prefix').waitFor();
            await panel.getByText(/^2 files, \d+ B$/).click();
            const table = panel.getByRole('table', { name: 'Files deployed' });
            await table.getByText('site/index.html', { exact: true }).waitFor();
            await table.getByText('site/css/site.css', { exact: true }).waitFor();
            const html = table.getByRole('row').filter({ hasText: 'site/index.html' });
            assert.match(String(await html.textContent()), /no-cache/);
          });
        },
      );

      test(
        'an Ansible inventory is added through the form; the environment page shows the play recap',
        sshdOptions,
        async () => {
          const server = sshd!;
          const outDir = join(disk.path, `${dialect}-ansible`);
          mkdirSync(outDir);
          const project = await newProject('ansible');
          const row = await addTarget(
            'ansible',
            'Ansible inventory',
            async (form) => {
              await form.getByLabel('Inventory hosts').fill(`web1=127.0.0.1:${server.port}`);
              await form.getByLabel('User', { exact: true }).fill('root');
              await form.getByLabel('Private key', { exact: true }).fill(server.privateKey);
            },
            'logged in to the host as root',
          );
          const text = String(await row.textContent());
          assert.match(text, /Ansible inventory/);
          assert.match(text, /inventory of 1 host \(web1\), as root, by private key/);
          assert.match(text, /SHA256:/);
          assert.doesNotMatch(String(await page.content()), /PRIVATE KEY-----\s*\S/);

          const { deployments } = await pushAndDeploy(t, project, {
            '.gantry.yml': ansiblePipeline(outDir),
            'deploy/site.yml': PLAYBOOK,
          });
          const production = deployments.production!;
          assert.equal(production.status, 'success', await trace(t, project.id, production.deployable!.id));
          assert.equal(readFileSync(join(outDir, 'release.txt'), 'utf8'), '7 production\n');
          await checkDeployed(project.id, 'production', 'ansible', async (panel) => {
            await panel.getByText('deploy/site.yml', { exact: true }).waitFor();
            await panel.getByText('every host ok, 1 change').waitFor();
            const recap = panel.getByRole('table', { name: 'Play recap' });
            const web1 = recap.getByRole('row').filter({ hasText: 'web1' });
            // ok, changed, unreachable, failed first: what decides success stays in view on a phone.
            assert.deepEqual((await web1.getByRole('cell').allTextContents()).slice(0, 5), [
              'web1',
              '1',
              '1',
              '0',
              '0',
            ]);
            assert.equal(await panel.getByRole('table', { name: 'Files deployed' }).count(), 0);
          });
        },
      );

      test(
        'a Maven repository is added through the form; the environment page shows coordinates and files',
        mavenOptions,
        async () => {
          const repository = maven!;
          const group = `com.example.web${run}.${dialect}`;
          const project = await newProject('maven');
          const row = await addTarget(
            'maven',
            'Maven repository',
            async (form) => {
              await form.getByLabel('Repository URL').fill(repository.url);
              await form.getByLabel('Username').fill(repository.username);
              await form.getByLabel('Password', { exact: true }).fill(repository.password);
            },
            'the repository answered',
          );
          const text = String(await row.textContent());
          assert.match(text, /Maven repository/);
          assert.match(text, new RegExp(`as ${repository.username}, password set`));
          assert.doesNotMatch(String(await page.content()), new RegExp(repository.password));

          const { deployments } = await pushAndDeploy(t, project, { '.gantry.yml': mavenPipeline(group) }, [
            'maven-central',
          ]);
          const published = deployments['maven-central']!;
          assert.equal(published.status, 'success', await trace(t, project.id, published.deployable!.id));
          const jar = `${group.replaceAll('.', '/')}/cart/1.0.0/cart-1.0.0.jar`;
          assert.equal(readFileSync(join(repository.root, jar), 'utf8'), 'cart one');
          await checkDeployed(project.id, 'maven-central', 'maven', async (panel) => {
            await panel.getByText(`${group}:cart:1.0.0`, { exact: true }).waitFor();
            await panel.getByText(repository.url, { exact: true }).waitFor();
            await panel.getByText(/^\d+ files?, \d+ B$/).click();
            const table = panel.getByRole('table', { name: 'Files deployed' });
            await table.getByText(jar, { exact: true }).waitFor();
            await table.getByText(jar.replace(/\.jar$/, '.pom'), { exact: true }).waitFor();
          });
        },
      );

      test(
        'an SFTP server is added through the form; the environment page shows the release',
        sshdOptions,
        async () => {
          const server = sftpd!;
          const remoteDir = join(disk.path, `${dialect}-sftp`);
          const project = await newProject('sftp');
          const row = await addTarget(
            'sftp',
            'SFTP server',
            async (form) => {
              await form.getByLabel('Host', { exact: true }).fill(`127.0.0.1:${server.port}`);
              await form.getByLabel('Remote directory').fill(remoteDir);
              await form.getByLabel('User', { exact: true }).fill('root');
              await form.getByLabel('Private key', { exact: true }).fill(server.privateKey);
            },
            'logged in to 127.0.0.1 as root, releases switched atomically',
          );
          const text = String(await row.textContent());
          assert.match(text, /SFTP server/);
          assert.match(text, /SHA256:/);
          assert.match(
            text,
            new RegExp(`root → ${remoteDir}, 5 releases kept, by private key; releases switched atomically`),
          );
          assert.doesNotMatch(String(await page.content()), /PRIVATE KEY-----\s*\S/);

          const { deployments } = await pushAndDeploy(t, project, { '.gantry.yml': sitePipeline() });
          const production = deployments.production!;
          assert.equal(production.status, 'success', await trace(t, project.id, production.deployable!.id));
          assert.equal(readlinkSync(join(remoteDir, 'current')), `releases/${production.id}`);
          await checkDeployed(project.id, 'production', 'sftp', async (panel) => {
            await panel.getByText('release switched atomically').waitFor();
            await panel.getByText(String(production.id), { exact: true }).waitFor();
            await panel.getByText(remoteDir, { exact: true }).waitFor();
            await panel.getByText(/^2 files, \d+ B$/).click();
            const table = panel.getByRole('table', { name: 'Files deployed' });
            await table.getByText('index.html', { exact: true }).waitFor();
            await table.getByText('css/site.css', { exact: true }).waitFor();
          });
        },
      );
    });
  }
});
