import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { environmentNamed } from '../deployments/deployment-helpers.ts';
import { pushAndDeploy } from '../podman/podman-helpers.ts';
import { browserSuiteOptions, screenshot, useBrowser } from '../support/browser.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { cloneProject, trace } from '../support/pipeline-helpers.ts';
import { type RunningSshd, sshdSuiteOptions, startSshd } from '../support/sshd.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';
import { signIn } from '../support/web-ui.ts';

// An SSH target in the browser, against a real server and a real OpenSSH sshd on loopback: added
// through the settings form (the host checked, its key's fingerprint shown to compare), its key
// changed and refused on edit until "Accept the hosts' current keys" is ticked; then a push whose
// build job's files go to the host as a release, shown on the environment page's "What was
// deployed" panel with the host, the release and the files.

const run = randomBytes(3).toString('hex');
const PASSWORD = 'ssh-target-password-1';

/** A build job writing two files, shipped as a release by an SSH deploy job. */
const PIPELINE = `build:
  stage: build
  script:
    - mkdir -p public/css
    - echo 'hello from gantry' > public/index.html
    - echo 'body {}' > public/css/site.css
  artifacts: { paths: [public/] }
deploy-production:
  stage: deploy
  environment: { name: production }
  deploy:
    files: public
`;

/** The SHA256 fingerprint of the sshd's current host key, as `ssh-keygen -lf` prints it. */
async function fingerprintOf(t: TestServer, projectId: number): Promise<string> {
  const [target] = (
    await t.api<Array<{ ssh: { hosts: { fingerprints: string[] }[] } }>>(
      'GET',
      `projects/${projectId}/targets`,
    )
  ).body;
  const fingerprint = target?.ssh.hosts[0]?.fingerprints[0];
  assert.match(fingerprint ?? '', /^SHA256:/);
  return fingerprint!;
}

describe('SSH target in the browser', { ...sshdSuiteOptions(), ...browserSuiteOptions() }, () => {
  const browser = useBrowser();
  let sshd: RunningSshd;
  let disk: ScratchDir;
  before(async () => {
    sshd = await startSshd();
    disk = await scratchDir('gantry-web-ssh-');
  });
  after(async () => {
    await sshd?.stop();
    await disk?.cleanup();
  });

  for (const dialect of DIALECTS) {
    describe(`on ${dialect}`, dialectSuiteOptions(dialect), () => {
      const path = `ssh-web-${run}/${dialect}`;
      let t: TestServer;
      let work: ScratchDir;
      let projectId: number;
      let page: Page;
      const deployTo = () => join(disk.path, dialect);
      before(async () => {
        t = await startTestServer(dialect);
        work = await scratchDir('gantry-web-ssh-work-');
        const maintainer = await createUserWithToken(t, 'mara', { password: PASSWORD });
        const created = await t.api<{ id: number }>('POST', 'projects', { body: { path } });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        projectId = created.body.id;
        const added = await t.api('POST', `projects/${projectId}/members`, {
          body: { user_id: maintainer.id, access_level: 40 },
        });
        assert.equal(added.status, 201, JSON.stringify(added.body));
        page = await browser.newPage();
        await signIn(page, t.url, 'mara', PASSWORD, `/projects/${projectId}/settings/targets`);
      });
      after(async () => {
        await t?.stop();
        await work?.cleanup();
      });

      test('an SSH target is added through the form: the host is logged in to and its key shown', async () => {
        const form = page.getByRole('form', { name: 'Add a target' });
        await form.getByLabel('Name', { exact: true }).fill('hosts');
        await form.getByLabel('Kind').selectOption({ label: 'SSH hosts (releases)' });
        await form.getByLabel('Hosts', { exact: true }).fill(`127.0.0.1:${sshd.port}`);
        await form.getByLabel('Deploy to').fill(deployTo());
        await form.getByLabel('User', { exact: true }).fill('root');
        // A password login is offered too; the key is what this host accepts.
        await form.getByLabel('Credentials').selectOption({ label: 'Password' });
        await form.getByLabel('Password', { exact: true }).waitFor();
        await form.getByLabel('Credentials').selectOption({ label: 'Private key' });
        await form.getByLabel('Private key', { exact: true }).fill(sshd.privateKey);
        await screenshot(page, 'settings-targets-ssh-form-desktop');
        await form.getByRole('button', { name: 'Add target' }).click();
        const added = page
          .getByRole('status')
          .filter({ hasText: 'Target hosts added: logged in to the host as root' });
        await added.waitFor({ timeout: 60_000 });
        const fingerprint = await fingerprintOf(t, projectId);
        await added.getByText(fingerprint, { exact: true }).waitFor();
        await added.getByText('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub').waitFor();
        // The list shows the host, its key and the release settings; nothing secret.
        const row = page.locator('tr[data-target="hosts"]');
        await row.getByText(fingerprint, { exact: true }).waitFor();
        const text = String(await row.textContent());
        assert.match(text, /SSH hosts/);
        assert.match(text, new RegExp(`127\\.0\\.0\\.1:${sshd.port}`));
        assert.match(text, /one host at a time, 5 releases kept, by private key/);
        assert.doesNotMatch(String(await page.content()), /PRIVATE KEY-----\s*\S/);
        await screenshot(page, 'settings-targets-ssh-list-desktop');
        const phone = await browser.newPage({ viewport: 'phone' });
        await signIn(phone, t.url, 'mara', PASSWORD, `/projects/${projectId}/settings/targets`);
        await phone.locator('tr[data-target="hosts"]').getByText(fingerprint, { exact: true }).waitFor();
        await screenshot(phone, 'settings-targets-ssh-list-phone');
        await phone.context().close();
      });

      test("a changed host key is refused on edit until the hosts' current keys are accepted", async () => {
        const before = await fingerprintOf(t, projectId);
        await sshd.rotateHostKey();
        const row = page.locator('tr[data-target="hosts"]');
        await row.getByRole('button', { name: 'Edit hosts' }).click();
        const dialog = page.getByRole('dialog', { name: 'Edit target hosts' });
        // Secrets are write-only: never prefilled, blank keeps the stored key.
        assert.equal(await dialog.getByLabel('Private key', { exact: true }).inputValue(), '');
        assert.equal(
          await dialog.getByLabel('Hosts', { exact: true }).inputValue(),
          `127.0.0.1:${sshd.port}`,
        );
        await dialog.getByRole('button', { name: 'Save and check' }).click();
        await dialog.getByRole('alert').filter({ hasText: /key/i }).waitFor({ timeout: 60_000 });
        await screenshot(page, 'settings-targets-ssh-edit-refused-desktop');
        await dialog.getByLabel("Accept the hosts' current keys").check();
        await dialog.getByRole('button', { name: 'Save and check' }).click();
        await dialog.waitFor({ state: 'hidden', timeout: 60_000 });
        await row.getByRole('status').filter({ hasText: 'Saved: logged in to the host as root' }).waitFor();
        const after = await fingerprintOf(t, projectId);
        assert.notEqual(after, before);
        await row.getByText(after, { exact: true }).waitFor();
      });

      test('a push deploys to the host; the environment page shows what was deployed', async () => {
        const clone = await cloneProject(t, path, join(work.path, 'clone'));
        const { deployments } = await pushAndDeploy(t, { id: projectId, clone }, { '.gantry.yml': PIPELINE });
        const production = deployments.production!;
        assert.equal(production.status, 'success', await trace(t, projectId, production.deployable!.id));
        assert.equal(readlinkSync(join(deployTo(), 'current')), `releases/${production.id}`);
        const environment = await environmentNamed(t, projectId, 'production');

        const check = async (target: Page, name: string) => {
          await target.goto(`${t.url}/projects/${projectId}/environments/${environment.id}`);
          const panel = target.getByRole('region', { name: 'What was deployed' });
          await panel.getByText(`127.0.0.1:${sshd.port}`, { exact: true }).waitFor();
          await panel.getByText('first release').waitFor();
          await panel.getByText(`${deployTo()}/releases/${production.id}`, { exact: true }).waitFor();
          const files = panel.getByText(/^2 files, \d+ B$/);
          await files.click();
          const table = panel.getByRole('table', { name: 'Files deployed' });
          await table.getByText('index.html', { exact: true }).waitFor();
          await table.getByText('css/site.css', { exact: true }).waitFor();
          assert.ok(await target.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
          // Hosts have no Kubernetes live view or namespace.
          assert.equal(await target.getByRole('region', { name: 'Kubernetes' }).count(), 0);
          assert.equal(await target.getByText('Kubernetes namespace').count(), 0);
          await screenshot(target, name);
        };
        await check(page, 'environment-ssh-deployed-desktop');
        const phone = await browser.newPage({ viewport: 'phone' });
        await signIn(phone, t.url, 'mara', PASSWORD);
        await check(phone, 'environment-ssh-deployed-phone');
        await phone.context().close();
      });
    });
  }
});
