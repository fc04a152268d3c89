import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSuiteOptions, screenshot, useBrowser } from '../support/browser.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import {
  cloneProject,
  type JobView,
  jobNamed,
  pipelineFor,
  pushFiles,
  waitForPipeline,
} from '../support/pipeline-helpers.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';
import { signIn } from '../support/web-ui.ts';

// Pipelines, the needs graph and live job logs in the browser, against a real server, its
// embedded runner and real pushes. Jobs that must still be running while the page is looked at
// wait for a gate file the test creates: no test depends on how fast anything runs.

const PASSWORD = 'pipelines-password-1';
const USERNAME = 'pipeline-dev';

for (const dialect of DIALECTS) {
  const options = { ...browserSuiteOptions(), ...dialectSuiteOptions(dialect) };
  describe(`pipelines in the web UI on ${dialect}`, options, () => {
    const browser = useBrowser();
    const pageErrors: string[] = [];
    const watched = async (viewport: 'desktop' | 'phone' = 'desktop') => {
      const opened = await browser.newPage({ viewport });
      opened.on('pageerror', (error) => pageErrors.push(error.message));
      return opened;
    };
    let t: TestServer;
    let scratch: ScratchDir;
    let work: string;
    let projectId: number;
    let page: Page;
    /** A file path a job's script waits for; `open(gate)` lets it go on. */
    const gate = (name: string) => join(scratch.path, `gate-${name}`);
    const open = (path: string) => writeFile(path, '');
    const waitFor = (path: string) => `while [ ! -e ${path} ]; do sleep 0.1; done`;
    const projectUrl = (path = '') => `${t.url}/projects/${projectId}${path}`;
    const jobs = async (pipelineId: number) =>
      (await t.api<JobView[]>('GET', `projects/${projectId}/pipelines/${pipelineId}/jobs`)).body;

    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '4' } });
      scratch = await scratchDir('gantry-web-pipelines-');
      const user = await createUserWithToken(t, USERNAME, { password: PASSWORD });
      const project = await t.api<{ id: number }>('POST', 'projects', { body: { path: 'web/pipelines' } });
      assert.equal(project.status, 201);
      projectId = project.body.id;
      const member = await t.api('POST', `projects/${projectId}/members`, {
        body: { user_id: user.id, access_level: 30 },
      });
      assert.equal(member.status, 201);
      work = await cloneProject(t, 'web/pipelines', join(scratch.path, 'work'));
      page = await watched();
      await signIn(page, t.url, USERNAME, PASSWORD);
    });
    after(async () => {
      await t?.stop();
      await scratch?.cleanup();
      assert.deepEqual(pageErrors, [], 'no uncaught errors in the pages');
    });

    test('the pipeline page draws stages and needs, and statuses turn to success live', async () => {
      const sha = await pushFiles(work, {
        '.gantry.yml': `stages: [build, test]
compile:
  stage: build
  script:
    - ${waitFor(gate('compile'))}
    - echo compiled
lint:
  stage: build
  script: [echo linted]
colors:
  stage: test
  needs: [compile]
  script:
    - printf '\\033[32mgreen before the gate\\033[0m\\n'
    - ${waitFor(gate('colors'))}
    - printf '\\033[1;31mbold red after the gate\\033[0m\\n'
`,
      });
      const pipeline = await pipelineFor(t, projectId, sha);
      await page.goto(projectUrl(`/pipelines/${pipeline.id}`));
      await page.getByRole('heading', { name: /Pipeline #\d+/ }).waitFor();
      for (const stage of ['build', 'test'])
        await page.getByRole('heading', { name: stage, exact: true }).waitFor();
      await page.getByRole('link', { name: 'running compile', exact: true }).waitFor();
      await page.getByRole('link', { name: /^created colors, needs compile$/ }).waitFor();
      assert.equal(
        await page.locator('path[data-edge="compile→colors"]').count(),
        1,
        'the needs edge is drawn',
      );
      assert.equal(await page.locator('path[data-edge]').count(), 1, 'stage order draws no edges');
      await screenshot(page, 'pipeline-running');

      await open(gate('compile'));
      await page.getByRole('link', { name: 'success compile', exact: true }).waitFor();
      await page.getByRole('link', { name: 'running colors, needs compile', exact: true }).waitFor();

      // The job's log, live: the first line is there while the job still waits at its gate.
      await page.getByRole('link', { name: 'running colors, needs compile', exact: true }).click();
      await page.getByRole('heading', { name: /colors/ }).waitFor();
      const log = page.getByRole('region', { name: 'Job log' });
      const green = log.getByText('green before the gate', { exact: true });
      await green.waitFor();
      assert.equal(await green.getAttribute('class'), 'ansi-fg-2', 'drawn in green');
      const colorsJob = jobNamed(await jobs(pipeline.id), 'colors');
      assert.equal(colorsJob.status, 'running', 'the line arrived while the job runs');
      assert.equal(
        await page
          .getByRole('heading', { name: /colors/ })
          .locator('[data-status]')
          .textContent(),
        'running',
      );
      assert.equal(await log.getByText('bold red after the gate', { exact: true }).count(), 0);
      await screenshot(page, 'job-running');

      await open(gate('colors'));
      const red = log.getByText('bold red after the gate', { exact: true });
      await red.waitFor();
      assert.equal(await red.getAttribute('class'), 'ansi-fg-1 ansi-bold', 'drawn in bold red');
      await page
        .getByRole('heading', { name: /colors/ })
        .locator('[data-status="success"]')
        .waitFor();
      await page
        .getByRole('status')
        .filter({ hasText: /^Complete/ })
        .waitFor();
      await screenshot(page, 'job');

      await page
        .getByRole('navigation', { name: 'Breadcrumbs' })
        .getByRole('link', { name: /^#\d+$/ })
        .click();
      await page
        .getByRole('heading', { name: /Pipeline #\d+/ })
        .locator('[data-status="success"]')
        .waitFor();
      for (const name of ['success compile', 'success lint', 'success colors, needs compile'])
        await page.getByRole('link', { name, exact: true }).waitFor();
      await screenshot(page, 'pipeline');
    });

    test('a 100,000-line log keeps only the lines in view in the page, and follows its end', async () => {
      const sha = await pushFiles(work, { '.gantry.yml': 'big:\n  script: [seq 1 100000]\n' });
      const pipeline = await pipelineFor(t, projectId, sha);
      const {
        jobs: [big],
      } = await waitForPipeline(t, projectId, pipeline.id);
      await page.goto(projectUrl(`/jobs/${big!.id}`));
      const log = page.getByRole('region', { name: 'Job log' });
      await page
        .getByRole('status')
        .filter({ hasText: /^Complete · 100,0\d\d lines$/ })
        .waitFor();
      // Followed to the end: the last number printed is in view.
      await log.locator('.log-line', { hasText: /^\d+100000$/ }).waitFor();
      const drawn = await log.locator('.log-line').count();
      assert.ok(drawn > 10 && drawn < 200, `${drawn} line elements for 100,000 lines`);
      const scrollHeight = await log.evaluate((element) => element.scrollHeight);
      assert.ok(scrollHeight > 100_000 * 20, `the scroller is as tall as the log (${scrollHeight} px)`);

      // Scrolling up stops following; the middle of the log is drawn, still a window of it.
      await log.evaluate((element) => {
        element.scrollTop = element.scrollHeight / 2;
      });
      const middle = log.locator('.log-line', { hasText: /^\d+50000$/ });
      await middle.waitFor();
      assert.ok((await log.locator('.log-line').count()) < 200);
      const follow = page.getByRole('button', { name: 'Scroll to end' });
      await follow.click();
      await log.locator('.log-line', { hasText: /^\d+100000$/ }).waitFor();
      await follow.waitFor({ state: 'detached' });
      await screenshot(page, 'job-large-log');
    });

    test('a job is retried from its page, which then shows the new attempt', async () => {
      const sha = await pushFiles(work, { '.gantry.yml': 'once:\n  script: [echo attempt-$CI_JOB_ID]\n' });
      const pipeline = await pipelineFor(t, projectId, sha);
      const {
        jobs: [first],
      } = await waitForPipeline(t, projectId, pipeline.id);
      await page.goto(projectUrl(`/jobs/${first!.id}`));
      await page.getByRole('region', { name: 'Job log' }).getByText(`attempt-${first!.id}`).waitFor();
      await page.getByRole('button', { name: 'Retry' }).click();
      await page.waitForURL(
        (url) => /\/jobs\/\d+$/.test(url.pathname) && !url.pathname.endsWith(`/${first!.id}`),
      );
      const second = Number(new URL(page.url()).pathname.split('/').at(-1));
      await page.getByRole('region', { name: 'Job log' }).getByText(`attempt-${second}`).waitFor();
      await page.getByRole('heading', { name: /once/ }).locator('[data-status="success"]').waitFor();
      const all = (
        await t.api<JobView[]>(
          'GET',
          `projects/${projectId}/pipelines/${pipeline.id}/jobs?include_retried=true`,
        )
      ).body;
      assert.deepEqual(
        all.map((job) => [job.id, job.retried]),
        [
          [first!.id, true],
          [second, false],
        ],
      );
      await page.goto(projectUrl(`/jobs/${first!.id}`));
      await page.getByText('This job was retried.').waitFor();
      await page.getByRole('link', { name: 'See the latest attempt (success)' }).waitFor();
    });

    test('the pipelines list filters by status, shows new pipelines live, and runs one', async () => {
      await page.goto(projectUrl('/pipelines'));
      const rows = page.locator('tbody tr');
      await rows.first().waitFor();
      const before = await rows.count();
      const failing = await pushFiles(work, { '.gantry.yml': 'fails:\n  script: [exit 3]\n' }, 'broken');
      await page.getByRole('row').filter({ hasText: 'broken' }).getByText('failed').waitFor();
      assert.equal(await rows.count(), before + 1, 'the new pipeline appeared without a reload');
      assert.ok((await pipelineFor(t, projectId, failing)).id > 0);

      await page.getByLabel('Status').selectOption('failed');
      await page.waitForURL(/status=failed/);
      await page.getByRole('row').filter({ hasText: 'broken' }).waitFor();
      assert.equal(await rows.count(), 1, 'only the failed pipeline is listed');
      await page.getByLabel('Status').selectOption('');
      await page.getByRole('searchbox', { name: 'Branch or tag' }).fill('no-such-branch');
      await page.getByText('No pipeline matches these filters.').waitFor();
      await page.getByRole('searchbox', { name: 'Branch or tag' }).fill('');
      await rows.nth(before).waitFor();
      await screenshot(page, 'pipelines');

      await page.getByRole('button', { name: 'Run pipeline' }).click();
      const dialog = page.getByRole('dialog', { name: 'Run a pipeline' });
      await dialog.getByLabel('Branch or tag to run').fill('no-such-branch');
      await dialog.getByRole('button', { name: 'Run', exact: true }).click();
      await dialog.getByRole('alert').filter({ hasText: 'no-such-branch does not exist' }).waitFor();
      await dialog.getByLabel('Branch or tag to run').fill('main');
      await dialog.getByRole('button', { name: 'Run', exact: true }).click();
      await page.waitForURL(/\/pipelines\/\d+$/);
      await page.getByRole('heading', { name: /Pipeline #\d+/ }).waitFor();
      await page.getByText('(api)').waitFor();
    });

    test('a pipeline file with errors says where they are', async () => {
      const sha = await pushFiles(work, { '.gantry.yml': 'job:\n  script: [echo]\n  needs: [ghost]\n' });
      const pipeline = await pipelineFor(t, projectId, sha);
      await page.goto(projectUrl(`/pipelines/${pipeline.id}`));
      const errors = page.getByRole('alert').filter({ hasText: 'The pipeline file has errors' });
      await errors.waitFor();
      assert.match((await errors.locator('li code').first().textContent()) ?? '', /^\.gantry\.yml:3:\d+$/);
      assert.equal(await page.getByRole('heading', { name: 'Jobs' }).count(), 0, 'no jobs to show');
      await screenshot(page, 'pipeline-yaml-errors');
    });

    test('on a phone-sized screen', async () => {
      const phone = await watched('phone');
      await signIn(phone, t.url, USERNAME, PASSWORD, `/projects/${projectId}/pipelines`);
      await phone.locator('tbody tr').first().waitFor();
      await screenshot(phone, 'pipelines-phone');
      await phone.locator('tbody tr').last().getByRole('link').click();
      await phone.getByRole('heading', { name: /Pipeline #\d+/ }).waitFor();
      await phone.getByRole('heading', { name: 'build', exact: true }).waitFor();
      await screenshot(phone, 'pipeline-phone');
      await phone.getByRole('link', { name: 'success compile', exact: true }).click();
      await phone
        .getByRole('status')
        .filter({ hasText: /^Complete/ })
        .waitFor();
      await screenshot(phone, 'job-phone');
    });
  });
}
