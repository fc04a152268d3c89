import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { deploymentEnds, deploymentsOf } from '../deployments/deployment-helpers.ts';
import { browserSuiteOptions, screenshot, useBrowser } from '../support/browser.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { cloneProject, eventually, pushFiles } from '../support/pipeline-helpers.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';
import { signIn } from '../support/web-ui.ts';

// Approvals, what runs where and releases in the browser, against a real server with its embedded
// runner: a protected production environment needing one maintainer's approval, real pushes.

const PIPELINE = [
  'stages: [build, deploy]',
  'build:',
  '  stage: build',
  '  script: [echo built]',
  'staging:',
  '  stage: deploy',
  '  environment: staging',
  '  script: [echo staging]',
  'production:',
  '  stage: deploy',
  '  environment: production',
  '  script: [echo production]',
  '',
].join('\n');

const PASSWORD = 'approver-password-1';

/** Release notes trying every way to run script; none may. */
const HOSTILE_NOTES = [
  '## Highlights',
  '',
  '- **Faster** deploys, see [the docs](https://docs.example.test/deploys)',
  '- [a trap](javascript:window.__pwned=1)',
  '',
  '<script>window.__pwned = 2; alert("script")</script>',
  '',
  '<img src="x" onerror="window.__pwned = 3; alert(\'img\')">',
  '',
  'Inline <b onmouseover="window.__pwned = 4">bold</b> too.',
].join('\n');

/** The text of an element as the DOM has it (hidden labels included). */
const textOf = async (locator: Locator) => (await locator.textContent()) ?? '';

interface Blocked {
  id: number;
  iid: number;
  sha: string;
  status: string;
  environment: { name: string };
}

for (const dialect of DIALECTS) {
  const options = { ...browserSuiteOptions(), ...dialectSuiteOptions(dialect) };
  describe(`approvals, matrix and releases in the browser on ${dialect}`, options, () => {
    const browser = useBrowser();
    let t: TestServer;
    let work: ScratchDir;
    let projectId: number;
    let clone: string;
    const path = 'web/shop';
    let approver: Page;
    let firstSha: string;
    let secondSha: string;
    let approverId: number;

    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '4' } });
      work = await scratchDir('gantry-web-approvals-');
      const maintainer = await createUserWithToken(t, 'approver', { password: PASSWORD });
      approverId = maintainer.id;
      const created = await t.api<{ id: number }>('POST', 'projects', { body: { path } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      projectId = created.body.id;
      const member = await t.api('POST', `projects/${projectId}/members`, {
        body: { user_id: maintainer.id, access_level: 40 },
      });
      assert.equal(member.status, 201);
      const rule = await t.api('POST', `projects/${projectId}/protected_environments`, {
        body: { name: 'production', required_approval_count: 1, approval_rules: [{ access_level: 40 }] },
      });
      assert.equal(rule.status, 201, JSON.stringify(rule.body));
      clone = await cloneProject(t, path, join(work.path, 'shop'));
      approver = await browser.newPage();
      await signIn(approver, t.url, 'approver', PASSWORD, '/approvals');
    });
    after(async () => {
      await t?.stop();
      await work?.cleanup();
    });

    /** The blocked production deployment of `sha`, once the gate parked it. */
    const blockedDeploymentOf = (sha: string) =>
      eventually(
        async () =>
          (await deploymentsOf(t, projectId)).find(
            (d) => d.sha === sha && d.environment.name === 'production' && d.status === 'blocked',
          ) as Blocked | undefined,
        async () => JSON.stringify(await deploymentsOf(t, projectId)),
      );

    /** The approvals page's card of a deployment. */
    const card = (page: Page, deployment: Blocked) =>
      page
        .getByRole('listitem')
        .filter({ hasText: `#${deployment.iid}` })
        .filter({ hasText: path });

    test('a blocked production deployment shows on the approver’s page; approving it lets it run', async () => {
      firstSha = await pushFiles(clone, { '.gantry.yml': PIPELINE });
      const blocked = await blockedDeploymentOf(firstSha);
      const item = card(approver, blocked);
      // The page was open before the deployment was blocked: it arrives by a live update.
      await item.waitFor();
      assert.match(await textOf(item), /0 of 1 approval/);
      assert.match(await textOf(item), new RegExp(firstSha.slice(0, 8)));
      await screenshot(approver, 'approvals-desktop');

      await item.getByRole('button', { name: 'Approve', exact: true }).click();
      const dialog = approver.getByRole('dialog', {
        name: `Approve deployment #${blocked.iid} of ${path} to production?`,
      });
      await dialog.waitFor();
      assert.match(await textOf(dialog), /last approval needed/);
      await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
      await item.waitFor({ state: 'detached' });
      assert.match(await textOf(approver.getByRole('status')), /every approval is in/);
      assert.equal((await deploymentEnds(t, projectId, blocked.id)).status, 'success');
      await approver.getByText('Nothing is waiting for your approval.').waitFor();
    });

    test('a rejection needs a comment and cancels the deployment', async () => {
      secondSha = await pushFiles(clone, { 'app.txt': 'version 2\n' });
      const blocked = await blockedDeploymentOf(secondSha);
      const item = card(approver, blocked);
      await item.waitFor();

      const phone = await browser.newPage({ viewport: 'phone' });
      await signIn(phone, t.url, 'approver', PASSWORD, '/approvals');
      await card(phone, blocked).waitFor();
      await screenshot(phone, 'approvals-phone');
      await phone.close();

      await item.getByRole('button', { name: 'Reject' }).click();
      const dialog = approver.getByRole('dialog', {
        name: `Reject deployment #${blocked.iid} of ${path} to production?`,
      });
      await dialog.getByRole('button', { name: 'Reject' }).click();
      await dialog.getByRole('alert').filter({ hasText: 'a comment is required' }).waitFor();
      await dialog.getByLabel('Comment (required)').fill('Not on a Friday');
      await dialog.getByRole('button', { name: 'Reject' }).click();
      await item.waitFor({ state: 'detached' });
      assert.match(await textOf(approver.getByRole('status')), /Rejected/);

      assert.equal((await deploymentEnds(t, projectId, blocked.id)).status, 'canceled');
      const approvals = await t.api<Array<{ status: string; comment: string; user: { username: string } }>>(
        'GET',
        `projects/${projectId}/deployments/${blocked.id}/approvals`,
      );
      assert.deepEqual(
        approvals.body.map((a) => [a.user.username, a.status, a.comment]),
        [['approver', 'rejected', 'Not on a Friday']],
      );
    });

    test('the matrix shows the short sha deployed in each environment', async () => {
      await eventually(
        async () => {
          const staging = (await deploymentsOf(t, projectId)).find(
            (d) => d.sha === secondSha && d.environment.name === 'staging',
          );
          return staging?.status === 'success' ? staging : undefined;
        },
        async () => JSON.stringify(await deploymentsOf(t, projectId)),
      );
      // A second project with review apps and nothing deployed yet.
      const blog = await t.api<{ id: number }>('POST', 'projects', { body: { path: 'web/blog' } });
      assert.equal(blog.status, 201);
      for (const name of ['production', 'review/feature-a', 'review/feature-b']) {
        const created = await t.api('POST', `projects/${blog.body.id}/environments`, { body: { name } });
        assert.equal(created.status, 201, JSON.stringify(created.body));
      }
      const member = await t.api('POST', `projects/${blog.body.id}/members`, {
        body: { user_id: approverId, access_level: 30 },
      });
      assert.equal(member.status, 201);

      await approver.getByRole('link', { name: 'What runs where' }).click();
      const table = approver.getByRole('table', { name: 'Deployed versions by project and environment' });
      await table.waitFor();
      assert.deepEqual(
        await table.locator('.matrix-column-name').allTextContents(),
        ['review/…', 'staging', 'production'],
        'columns in promotion order, review apps in one',
      );
      const blogRow = table
        .getByRole('row')
        .filter({ has: approver.getByRole('rowheader', { name: 'web/blog' }) });
      assert.deepEqual(await blogRow.getByRole('cell').allTextContents(), [
        '2 environments2 available',
        '—no environment',
        'never deployed',
      ]);
      const row = table.getByRole('row').filter({ has: approver.getByRole('rowheader', { name: path }) });
      // Production still runs the first commit: the rejected second one never ran there.
      const production = row.getByRole('cell').nth(2);
      await production.getByRole('link', { name: `${path} production: ${firstSha.slice(0, 8)}` }).waitFor();
      assert.match(await textOf(production), /success/);
      assert.doesNotMatch(await textOf(production), new RegExp(secondSha.slice(0, 8)));
      await row
        .getByRole('cell')
        .nth(1)
        .getByRole('link', { name: `${path} staging: ${secondSha.slice(0, 8)}` })
        .waitFor();
      await screenshot(approver, 'matrix-desktop');

      await production.getByRole('link').click();
      await approver.waitForURL(/\/projects\/\d+\/environments\/\d+$/);

      const phone = await browser.newPage({ viewport: 'phone' });
      await signIn(phone, t.url, 'approver', PASSWORD, '/environments');
      const wrap = phone.locator('.table-wrap');
      await wrap.getByRole('link', { name: `${path} production: ${firstSha.slice(0, 8)}` }).waitFor();
      const fits = await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      assert.equal(fits, true, 'the page does not scroll sideways; the table does');
      await screenshot(phone, 'matrix-phone');
      await phone.close();
    });

    test('release notes render as Markdown without running script, beside the deployments of the tag', async () => {
      const release = await t.api('POST', `projects/${projectId}/releases`, {
        body: {
          tag_name: 'v1.0.0',
          name: 'Shop 1.0',
          ref: 'main',
          description: HOSTILE_NOTES,
          assets: {
            links: [{ name: 'Runbook', url: 'https://runbooks.example.test/shop', link_type: 'runbook' }],
          },
        },
      });
      assert.equal(release.status, 201, JSON.stringify(release.body));
      const dialogs: string[] = [];
      approver.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });

      await approver.goto(`${t.url}/projects/${projectId}/releases`);
      const listed = approver.getByRole('link', { name: 'Shop 1.0' });
      await listed.waitFor();
      // The tag pipeline deploys to staging; the list follows it live.
      await approver.getByText('staging: success').waitFor();
      await screenshot(approver, 'releases-desktop');
      await listed.click();

      const notes = approver.getByRole('region', { name: 'Release notes' });
      await notes.getByRole('heading', { name: 'Highlights' }).waitFor();
      await notes.getByText('Faster').waitFor();
      const docs = notes.getByRole('link', { name: 'the docs' });
      assert.equal(await docs.getAttribute('rel'), 'noopener noreferrer');
      assert.equal(await docs.getAttribute('target'), '_blank');
      assert.equal(await notes.getByRole('link', { name: 'a trap' }).count(), 0, 'no javascript: link');
      // The HTML is there as text, not as elements.
      await notes.getByText('<script>window.__pwned = 2; alert("script")</script>').waitFor();
      const injected = await approver.evaluate(() => ({
        scripts: document.querySelectorAll('.markdown script').length,
        images: document.querySelectorAll('.markdown img').length,
        handlers: document.querySelectorAll('[onerror], [onmouseover]').length,
        pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
      }));
      assert.deepEqual(injected, { scripts: 0, images: 0, handlers: 0, pwned: null });

      const assets = approver.getByRole('region', { name: 'Assets' });
      assert.equal(
        await assets.getByRole('link', { name: 'Runbook' }).getAttribute('href'),
        'https://runbooks.example.test/shop',
      );
      const deployments = approver.getByRole('region', { name: 'Deployments of v1.0.0' });
      await deployments
        .getByRole('row')
        .filter({ hasText: 'staging' })
        .filter({ hasText: 'success' })
        .waitFor();
      await deployments
        .getByRole('row')
        .filter({ hasText: 'production' })
        .filter({ hasText: 'blocked' })
        .waitFor();
      await screenshot(approver, 'release-desktop');

      const phone = await browser.newPage({ viewport: 'phone' });
      await signIn(phone, t.url, 'approver', PASSWORD, `/projects/${projectId}/releases`);
      await phone.getByRole('link', { name: 'Shop 1.0' }).waitFor();
      await screenshot(phone, 'releases-phone');
      await phone.getByRole('link', { name: 'Shop 1.0' }).click();
      await phone.getByRole('region', { name: 'Deployments of v1.0.0' }).getByRole('row').nth(1).waitFor();
      await screenshot(phone, 'release-phone');
      await phone.close();
      assert.deepEqual(dialogs, [], 'no script ran: no alert');
    });
  });
}
