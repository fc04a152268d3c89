import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSuiteOptions, screenshot, useBrowser } from '../support/browser.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { cloneProject, pushFiles } from '../support/pipeline-helpers.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';
import { signIn } from '../support/web-ui.ts';

// Sign-in, the projects list, creating a project and its overview, in the browser against a real
// server with its embedded runner: a push made after the overview opened shows up there by itself.

const PASSWORD = 'developer-password-1';

const PIPELINE = ['build:', '  script: [echo built]', ''].join('\n');

for (const dialect of DIALECTS) {
  const options = { ...browserSuiteOptions(), ...dialectSuiteOptions(dialect) };
  describe(`projects in the browser on ${dialect}`, options, () => {
    const browser = useBrowser();
    let t: TestServer;
    let work: ScratchDir;

    before(async () => {
      t = await startTestServer(dialect);
      work = await scratchDir('gantry-web-projects-');
      await createUserWithToken(t, 'dana', { password: PASSWORD });
    });
    after(async () => {
      await t?.stop();
      await work?.cleanup();
    });

    test('a wrong password is refused on the form; the right one opens the page asked for', async () => {
      const page = await browser.newPage();
      await page.goto(`${t.url}/projects/new`);
      await screenshot(page, `sign-in-${dialect}`);
      await page.getByLabel('Username').fill('dana');
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      assert.match((await page.getByRole('alert').textContent()) ?? '', /password/i);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'New project' }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/projects/new');
    });

    test('creating a project: a bad path shows the API error in the form; then the overview and a live pipeline', async () => {
      const page = await browser.newPage();
      await signIn(page, t.url, 'dana', PASSWORD, '/projects/new');
      await page.getByLabel('Path').fill('Not A Path');
      await page.getByRole('button', { name: 'Create project' }).click();
      await page.getByRole('alert').waitFor();
      assert.equal(new URL(page.url()).pathname, '/projects/new');

      await page.getByLabel('Path').fill('web/live');
      await page.getByLabel('Description').fill('Made in the browser');
      await screenshot(page, `new-project-${dialect}`);
      await page.getByRole('button', { name: 'Create project' }).click();
      await page.getByRole('heading', { name: 'web/live' }).waitFor();
      const cloneUrl = await page.getByLabel('Clone URL').inputValue();
      assert.equal(cloneUrl, `${t.url}/web/live.git`);
      await page.getByText('No pipelines yet').waitFor();

      // The push happens after the page has loaded: the pipeline must arrive over the live stream.
      const clone = await cloneProject(t, 'web/live', join(work.path, 'live'));
      const sha = await pushFiles(clone, { '.gantry.yml': PIPELINE });
      const row = page.locator('tr', { hasText: sha.slice(0, 8) });
      await row.waitFor();
      await row.locator('[data-status="success"]').waitFor();
      await screenshot(page, `project-overview-${dialect}`);

      await page.getByRole('link', { name: 'Projects', exact: true }).click();
      await page.getByRole('link', { name: 'web/live' }).waitFor();
      await page.getByLabel('Search').fill('nothing-like-this');
      await page.getByText('No project matches.').waitFor();
      await page.getByLabel('Search').fill('live');
      await page.getByRole('link', { name: 'web/live' }).waitFor();
      await screenshot(page, `projects-${dialect}`);
    });

    test('at phone width the navigation stays usable; signing out returns to the sign-in form', async () => {
      const page: Page = await browser.newPage({ viewport: 'phone' });
      await signIn(page, t.url, 'dana', PASSWORD);
      await page.getByRole('link', { name: 'New project' }).waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px at phone width`);
      await screenshot(page, `projects-phone-${dialect}`);
      await page.getByText('dana', { exact: true }).click();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      const status = await page.evaluate(async () => (await fetch('/api/v1/user')).status);
      assert.equal(status, 401);
    });
  });
}
