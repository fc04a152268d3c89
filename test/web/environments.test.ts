import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { type DeploymentView, deploymentsOf } from '../deployments/deployment-helpers.ts';
import { browserSuiteOptions, screenshot, useBrowser } from '../support/browser.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import {
  cloneProject,
  eventually,
  pipelineFor,
  pushFiles,
  waitForPipeline,
} from '../support/pipeline-helpers.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';
import { signIn } from '../support/web-ui.ts';

// Environments and deployments in the browser, against a real server with its embedded runner and
// real pushes: an environment appears with its deployment, "always deploy" makes the next push
// deploy by itself, rollback from the history, stopping the environment.

const PIPELINE = [
  'stages: [build, deploy]',
  'build:',
  '  stage: build',
  '  script: [echo "built $CI_COMMIT_SHORT_SHA"]',
  'deploy_staging:',
  '  stage: deploy',
  '  when: manual',
  '  environment: { name: staging, url: https://staging.example.test }',
  '  script: [echo "deployed $CI_COMMIT_SHA to $CI_ENVIRONMENT_NAME"]',
  'review:',
  '  stage: deploy',
  '  environment: review/$CI_COMMIT_REF_SLUG',
  '  script: [echo "review app of $CI_COMMIT_REF_NAME"]',
  '',
].join('\n');

const PASSWORD = 'deployer-password-1';

for (const dialect of DIALECTS) {
  const options = { ...dialectSuiteOptions(dialect), ...browserSuiteOptions() };
  describe(`environments and deployments in the browser on ${dialect}`, options, () => {
    const browser = useBrowser();
    let t: TestServer;
    let work: ScratchDir;
    let projectId: number;
    let clone: string;
    let page: Page;
    let firstSha: string;
    let secondSha: string;
    const path = 'web/environments';

    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '2' } });
      work = await scratchDir('gantry-web-environments-');
      const deployer = await createUserWithToken(t, 'deployer', { password: PASSWORD });
      const created = await t.api<{ id: number }>('POST', 'projects', {
        token: deployer.token,
        body: { path },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      projectId = created.body.id;
      clone = await cloneProject(t, path, join(work.path, 'app'));
      page = await browser.newPage();
      await signIn(page, t.url, 'deployer', PASSWORD, `/projects/${projectId}/environments`);
      await page.getByText('No environments yet').waitFor();
    });
    after(async () => {
      await t?.stop();
      await work?.cleanup();
    });

    const history = () => page.getByRole('table', { name: 'Deployment history' });
    /** The history's row of a commit's deployment in `status` (a rollback's says what it re-applies). */
    const historyRow = (sha: string, status: string, rollbackOf?: number): Locator => {
      let row = history()
        .getByRole('row')
        .filter({ hasText: sha.slice(0, 8) })
        .filter({ has: page.getByText(status, { exact: true }) });
      row = rollbackOf
        ? row.filter({ hasText: `re-applies #${rollbackOf}` })
        : row.filter({ hasNotText: 're-applies' });
      return row;
    };
    const pipelineDone = async (sha: string) => {
      const { pipeline } = await waitForPipeline(t, projectId, (await pipelineFor(t, projectId, sha)).id);
      assert.equal(pipeline.status, 'success');
    };

    test('a pushed environment appears live; the deploy dialog deploys it and sets "always deploy"', async () => {
      firstSha = await pushFiles(clone, { '.gantry.yml': PIPELINE, 'version.txt': 'v1\n' });
      // The page was open before the push: the environment arrives by a live update.
      const row = page
        .getByRole('table', { name: 'Environments' })
        .getByRole('row')
        .filter({ has: page.getByRole('link', { name: 'staging', exact: true }) });
      await row.waitFor();
      assert.match((await row.textContent()) ?? '', /staging[\s\S]*available/);
      await pipelineDone(firstSha);
      // Review apps are one folder row until opened.
      const table = page.getByRole('table', { name: 'Environments' });
      const folder = table.getByRole('button', { name: /review/ });
      await folder.waitFor();
      assert.equal(await folder.getAttribute('aria-expanded'), 'false');
      await folder.click();
      await table.getByRole('link', { name: 'main', exact: true }).waitFor();
      assert.equal(await folder.getAttribute('aria-expanded'), 'true');
      await screenshot(page, 'environments-desktop');

      await page.getByRole('button', { name: 'Deploy', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Deploy' });
      await dialog.getByLabel('Environment', { exact: true }).fill('production');
      await dialog.getByRole('button', { name: 'Deploy' }).click();
      await dialog
        .getByRole('alert')
        .filter({ hasText: 'There is no environment named production' })
        .waitFor();

      await dialog.getByLabel('Environment', { exact: true }).fill('staging');
      await dialog.getByLabel('Branch or tag name').fill('no-such-branch');
      await dialog.getByRole('button', { name: 'Deploy' }).click();
      // The API's own error, shown in the dialog.
      await dialog
        .getByRole('alert')
        .filter({ hasText: 'reference no-such-branch does not exist' })
        .waitFor();

      await dialog.getByLabel('Branch or tag name').fill('main');
      await dialog.getByLabel('Always deploy to this environment').check();
      await screenshot(page, 'deploy-dialog-desktop');
      await dialog.getByRole('button', { name: 'Deploy' }).click();
      await page.waitForURL(/\/projects\/\d+\/environments\/\d+$/);
      await historyRow(firstSha, 'success').waitFor();

      const rules = await t.api<Array<{ ref: string; environment: { name: string } }>>(
        'GET',
        `projects/${projectId}/auto_deploy_rules`,
      );
      assert.deepEqual(
        rules.body.map((rule) => [rule.ref, rule.environment.name]),
        [['main', 'staging']],
      );
    });

    test('the next push deploys by itself; both pages show it without a reload', async () => {
      const list = await browser.newPage();
      await signIn(list, t.url, 'deployer', PASSWORD, `/projects/${projectId}/environments`);
      const row = list
        .getByRole('table', { name: 'Environments' })
        .getByRole('row')
        .filter({ has: list.getByRole('link', { name: 'staging', exact: true }) });
      await row.getByText(firstSha.slice(0, 8)).waitFor();
      for (const open of [page, list]) {
        await open.evaluate(() => {
          (window as unknown as { notReloaded: boolean }).notReloaded = true;
        });
      }

      secondSha = await pushFiles(clone, { 'version.txt': 'v2\n' });
      await historyRow(secondSha, 'success').waitFor();
      await page.getByRole('region', { name: 'staging' }).getByText(secondSha.slice(0, 8)).waitFor();
      await row.getByText(secondSha.slice(0, 8)).waitFor();
      assert.match((await row.textContent()) ?? '', /success/);
      for (const open of [page, list]) {
        assert.equal(
          await open.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded),
          true,
          'the page was not reloaded',
        );
      }
      await screenshot(list, 'environments-deployed-desktop');
      await list.close();
      await screenshot(page, 'environment-desktop');
    });

    test('rolling back from the history runs a deployment of the earlier commit', async () => {
      const first = (await deploymentsOf(t, projectId)).find(
        (d) =>
          d.environment.name === 'staging' &&
          d.sha === firstSha &&
          d.status === 'success' &&
          d.rollback_of === null,
      );
      assert.ok(first, 'the first deployment succeeded');
      await historyRow(firstSha, 'success').getByRole('button', { name: 'Rollback' }).click();
      const dialog = page.getByRole('dialog', { name: `Roll staging back to #${first.iid}?` });
      assert.match((await dialog.textContent()) ?? '', new RegExp(firstSha.slice(0, 8)));
      await dialog.getByRole('button', { name: 'Roll back' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await historyRow(firstSha, 'success', first.iid).waitFor();

      const rollback = await eventually(
        async () =>
          (await deploymentsOf(t, projectId)).find(
            (d: DeploymentView) => d.rollback_of === first.id && d.status === 'success',
          ),
        async () => JSON.stringify(await deploymentsOf(t, projectId)),
      );
      assert.equal(rollback.sha, firstSha);
      await page.getByRole('region', { name: 'staging' }).getByText(firstSha.slice(0, 8)).waitFor();
    });

    test('stopping the environment, confirmed, leaves it stopped; both pages fit a phone', async () => {
      const header = page.getByRole('region', { name: 'staging' });
      await header.getByRole('button', { name: 'Stop environment' }).click();
      const dialog = page.getByRole('dialog', { name: 'Stop staging?' });
      await dialog.getByRole('button', { name: 'Stop' }).click();
      await header.getByText('stopped', { exact: true }).waitFor();
      assert.equal(await header.getByRole('button', { name: 'Stop environment' }).count(), 0);
      const environment = await t.api<Array<{ state: string }>>(
        'GET',
        `projects/${projectId}/environments?name=staging`,
      );
      assert.equal(environment.body[0]?.state, 'stopped');

      const phone = await browser.newPage({ viewport: 'phone' });
      await signIn(phone, t.url, 'deployer', PASSWORD, new URL(page.url()).pathname);
      await phone.getByRole('table', { name: 'Deployment history' }).waitFor();
      const fits = () => phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      assert.equal(await fits(), true, 'the environment page does not scroll sideways; its tables do');
      await screenshot(phone, 'environment-phone');
      await phone.getByRole('link', { name: 'Environments' }).first().click();
      await phone.getByRole('table', { name: 'Environments' }).waitFor();
      assert.equal(await fits(), true, 'the environments page does not scroll sideways');
      await screenshot(phone, 'environments-phone');
      await phone.close();
    });
  });
}
