import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import {
  deployPipeline as kubeDeployPipeline,
  kubeProject,
  pushAndDeploy as kubePushAndDeploy,
  productionOf,
} from '../kubernetes/kubernetes-deploy-helpers.ts';
import { buildShellImage, rigTickingApp, tickingApp } from '../operations/operations-fixtures.ts';
import {
  cleanUpPodman,
  deployPipeline,
  podman,
  podmanDependency,
  podmanProject,
  pushAndDeploy,
} from '../podman/podman-helpers.ts';
import { browserSuiteOptions, screenshot, useBrowser } from '../support/browser.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { kubeRigSuiteOptions, useKubeRig } from '../support/kube-rig.ts';
import { eventually } from '../support/pipeline-helpers.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';
import { signIn } from '../support/web-ui.ts';

// The environment page's operations in the browser, against a real server, on this host's Podman
// and on the Kubernetes rig: the logs following live (a line the app prints after the page opened
// reaches the view; the server-side filter; pausing while the reader scrolls up; two replicas
// merged, each line tagged with its pod), a shell running a command and resizing with the window,
// its audit record, graphs with samples and deployment markers, the previous container's log after
// a crash, and the settings that govern all of it: a protected environment whose shells are off
// refuses one, and the page says why. Screenshots at desktop and phone sizes.

const run = randomBytes(3).toString('hex');
const PASSWORD = 'operations-password-1';
const imagePrefix = `gantry-webops-${run}`;

/** The rendered text of `locator`, spaces normalised (xterm and the log view draw runs of spans). */
async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\u00a0/g, ' ');
}

/** Waits until `locator`'s text contains `expected`. */
async function waitForText(locator: Locator, expected: string, timeoutMs = 30_000): Promise<void> {
  await eventually(
    async () => ((await textOf(locator)).includes(expected) ? true : undefined),
    async () => `"${expected}" never appeared in: ${(await textOf(locator)).slice(-2000)}`,
    timeoutMs,
  );
}

/** Whether the page fits its viewport's width (wide content scrolls inside its own box). */
function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

const logRegion = (target: Page) => target.getByRole('region', { name: 'Environment log' });
// The terminal's rows (xterm also keeps its refused <style> elements in the region).
const terminal = (target: Page) => target.getByRole('region', { name: 'Terminal' }).locator('.xterm-rows');

/** Types a command line into the terminal, focused first as a user would click into it. */
async function typeLine(target: Page, line: string): Promise<void> {
  await target.getByRole('region', { name: 'Terminal' }).click();
  await target.keyboard.type(line);
  await target.keyboard.press('Enter');
}

/** The terminal's size as the shell view shows it. */
async function terminalSize(target: Page): Promise<{ cols: number; rows: number }> {
  const text = await target.getByText(/^\d+ columns × \d+ rows$/).textContent();
  const [, cols, rows] = /^(\d+) columns × (\d+) rows$/.exec(text ?? '') ?? [];
  return { cols: Number(cols), rows: Number(rows) };
}

/** Opens a view of the environment page by its tab. */
async function openTab(target: Page, name: 'Logs' | 'Shell' | 'Graphs'): Promise<void> {
  await target.getByRole('navigation', { name: 'Environment views' }).getByRole('link', { name }).click();
  await target.waitForURL(new RegExp(`/${name.toLowerCase()}$`));
}

/** Adds a user with a password as a maintainer of the project. */
async function addMaintainer(t: TestServer, projectId: number, username: string): Promise<void> {
  const user = await createUserWithToken(t, username, { password: PASSWORD });
  const added = await t.api('POST', `projects/${projectId}/members`, {
    body: { user_id: user.id, access_level: 40 },
  });
  assert.equal(added.status, 201, JSON.stringify(added.body));
}

describe('environment operations in the browser on Podman', {
  ...browserSuiteOptions(),
  ...podmanDependency.options,
}, () => {
  let image: string;

  before(async () => {
    podmanDependency.assertPresent();
    image = await buildShellImage(`${imagePrefix}-app`);
  });
  after(async () => {
    await cleanUpPodman(imagePrefix);
  });

  for (const dialect of DIALECTS) {
    describe(`on ${dialect}`, dialectSuiteOptions(dialect), () => {
      const browser = useBrowser();
      const path = `webops-${run}/${dialect}`;
      let t: TestServer;
      let work: ScratchDir;
      let project: { id: number; clone: string };
      let environmentId: number;
      let page: Page;
      const username = `mara-${dialect}`;
      const environmentUrl = (tab = '') =>
        `/projects/${project.id}/environments/${environmentId}${tab ? `/${tab}` : ''}`;

      before(async () => {
        // The sampler every second, so the graphs have points within the test.
        t = await startTestServer(dialect, { env: { GANTRY_METRICS_INTERVAL_SECONDS: '1' } });
        work = await scratchDir('gantry-web-operations-');
        project = await podmanProject(t, work.path, path);
        await addMaintainer(t, project.id, username);
        const deployed = await pushAndDeploy(t, project, {
          'k8s/app.yaml': tickingApp(image),
          '.gantry.yml': deployPipeline('manifests: k8s/\ntimeout: 60s'),
        });
        const production = deployed.deployments.production!;
        assert.equal(production.status, 'success');
        environmentId = production.environment.id;
        page = await browser.newPage();
        await signIn(page, t.url, username, PASSWORD, environmentUrl('logs'));
      });
      after(async () => {
        await t?.stop();
        await work?.cleanup();
        await cleanUpPodman(`webops-${run}-${dialect}-`);
      });

      const container = async () => {
        const listed = await t.api<{ containers: { pod: string; container: string }[] }>(
          'GET',
          `projects/${project.id}/environments/${environmentId}/containers`,
        );
        return listed.body.containers[0]!;
      };

      test('logs follow live, filter on the server and pause while the reader scrolls up', async () => {
        await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
        await waitForText(logRegion(page), 'tick');
        // A line the app writes now, after the page opened, reaches the view.
        const { pod, container: name } = await container();
        const marker = `live-${run}-${dialect}`;
        await podman(['exec', `${pod}-${name}`, '/bin/sh', '-c', `echo ${marker} > /proc/1/fd/1`]);
        await waitForText(logRegion(page), marker);
        await screenshot(page, `environment-logs-${dialect}-desktop`);

        // The filter goes to the server: a new stream with only the lines containing it.
        await page.getByLabel('Filter').fill(marker);
        await eventually(
          async () => {
            const text = await textOf(logRegion(page));
            return text.includes(marker) && !text.includes('tick') ? true : undefined;
          },
          async () =>
            `the filtered log still shows other lines: ${(await textOf(logRegion(page))).slice(-500)}`,
        );
        await page.getByLabel('Filter').fill('');
        await waitForText(logRegion(page), 'tick');

        // Scrolling up pauses following; "Jump to latest" resumes it.
        await eventually(
          async () => ((await page.getByText(/^\d[\d,]* lines/).count()) > 0 ? true : undefined),
          () => 'no line count',
        );
        await eventually(
          async () => {
            const scrollable = await logRegion(page).evaluate((element) => {
              element.scrollTop = 0;
              element.dispatchEvent(new Event('scroll'));
              return element.scrollHeight > element.clientHeight;
            });
            return scrollable ? true : undefined;
          },
          () => 'the log never grew taller than its view',
        );
        const jump = page.getByRole('button', { name: 'Jump to latest' });
        await jump.waitFor();
        await page.getByRole('status').filter({ hasText: 'Live, paused while you read' }).waitFor();
        await jump.click();
        await jump.waitFor({ state: 'detached' });
        await page
          .getByRole('status')
          .filter({ hasText: /^Live$/ })
          .waitFor();
      });

      test('a shell runs a command, follows the window size and is recorded', async () => {
        await openTab(page, 'Shell');
        assert.equal(await page.getByLabel('Command').inputValue(), 'sh');
        await page.getByRole('button', { name: 'Connect' }).click();
        await page
          .getByRole('status')
          .filter({ hasText: /^Connected to .+\/app \(session \d+\)\.$/ })
          .waitFor();

        // The running session is listed below; once it is, the layout (and the terminal's size) settles.
        await page.getByRole('table', { name: 'Shell sessions' }).getByRole('row').nth(1).waitFor();
        const before = await terminalSize(page);
        const token = randomBytes(4).toString('hex');
        await typeLine(page, `echo hello-$((6*7))-${token}`);
        await waitForText(terminal(page), `hello-42-${token}`);
        await typeLine(page, 'stty size');
        await waitForText(terminal(page), `${before.rows} ${before.cols}`);
        await screenshot(page, `environment-shell-${dialect}-desktop`);

        // A smaller window: the terminal is fitted again and the shell told its new size.
        await page.setViewportSize({ width: 900, height: 600 });
        const after = await eventually(
          async () => {
            const now = await terminalSize(page);
            // Both: the page's own layout can change the width alone (a scrollbar appearing).
            return now.cols < before.cols && now.rows < before.rows ? now : undefined;
          },
          () => 'the terminal kept its size',
        );
        await typeLine(page, 'clear; stty size');
        await waitForText(terminal(page), `${after.rows} ${after.cols}`);
        await screenshot(page, `environment-shell-${dialect}-resized`);
        await page.setViewportSize({ width: 1280, height: 800 });

        await typeLine(page, 'exit 3');
        await page.getByRole('status').filter({ hasText: 'The command exited with code 3.' }).waitFor();
        const sessions = page.getByRole('table', { name: 'Shell sessions' });
        await sessions.getByRole('row').filter({ hasText: 'exit 3' }).waitFor();
        assert.match(await textOf(sessions), new RegExp(`${username}|app`));
      });

      test('graphs draw the samples and mark the deployments', async () => {
        await openTab(page, 'Graphs');
        // The sampler runs every second; the page asks again every 10 s.
        const cpu = page.getByRole('figure', { name: /^CPU/ });
        await cpu.waitFor({ timeout: 60_000 });
        const memory = page.getByRole('figure', { name: 'Memory' });
        await eventually(
          async () => (Number(await memory.getAttribute('data-samples')) >= 2 ? true : undefined),
          async () => `memory samples: ${await memory.getAttribute('data-samples')}`,
          60_000,
        );
        const deployments = page.getByRole('region', { name: 'Deployments in this range' });
        await deployments
          .getByText(/^#\d+ [0-9a-f]{8}$/)
          .first()
          .waitFor();
        await screenshot(page, `environment-graphs-${dialect}-desktop`);
      });

      test('at phone width: logs, shell and graphs fit the screen', async () => {
        const phone = await browser.newPage({ viewport: 'phone' });
        await signIn(phone, t.url, username, PASSWORD, environmentUrl('logs'));
        await waitForText(logRegion(phone), 'tick');
        assert.ok(await fitsWidth(phone), 'the logs view fits 390 px');
        await screenshot(phone, `environment-logs-${dialect}-phone`);

        await phone.goto(`${t.url}${environmentUrl('shell')}`);
        await phone.getByRole('button', { name: 'Connect' }).click();
        await phone
          .getByRole('status')
          .filter({ hasText: /^Connected to / })
          .waitFor();
        await typeLine(phone, 'stty size');
        await waitForText(terminal(phone), 'stty size');
        assert.ok(await fitsWidth(phone), 'the shell fits 390 px');
        await screenshot(phone, `environment-shell-${dialect}-phone`);
        await phone.getByRole('button', { name: 'Disconnect' }).click();
        await phone.getByRole('button', { name: 'Connect' }).waitFor();

        await phone.goto(`${t.url}${environmentUrl('graphs')}`);
        await phone.getByRole('figure', { name: 'Memory' }).waitFor({ timeout: 30_000 });
        assert.ok(await fitsWidth(phone), 'the graphs fit 390 px');
        await screenshot(phone, `environment-graphs-${dialect}-phone`);

        await phone.goto(`${t.url}/projects/${project.id}/settings/shell-access`);
        await phone.getByRole('form', { name: 'Who may open shells' }).waitFor();
        assert.ok(await fitsWidth(phone), 'the shell access settings fit 390 px');
        await screenshot(phone, `settings-shell-access-${dialect}-phone`);
        await phone.context().close();
      });

      test("after a crash, the previous container's log", async () => {
        const crashed = await pushAndDeploy(t, project, {
          'k8s/app.yaml': tickingApp(image, { crashAfter: 3 }),
        });
        assert.equal(crashed.deployments.production!.status, 'failed');
        await page.goto(`${t.url}${environmentUrl('logs')}`);
        const { pod, container: name } = await container();
        const picker = page.getByLabel('Container', { exact: true });
        const previous = page.getByLabel('Previous container');
        // The list is asked again every 10 s: the restarted container offers its previous log.
        await eventually(
          async () => {
            await picker.selectOption({ value: `${pod}/${name}` }).catch(() => undefined);
            return (await previous.isEnabled()) ? true : undefined;
          },
          async () => `"Previous container" stays disabled: ${await picker.textContent()}`,
          60_000,
        );
        await previous.check();
        assert.equal(await page.getByLabel('Follow').isDisabled(), true);
        // Asked while Podman restarts the container, the previous run can come back empty (its
        // boundary moves): a reader asks again, and so does this test.
        for (let attempt = 1; ; attempt++) {
          const shown = await waitForText(logRegion(page), 'crashing now', 10_000).then(
            () => true,
            (error: unknown) => {
              if (attempt === 4) throw error;
              return false;
            },
          );
          if (shown) break;
          await previous.uncheck();
          await previous.check();
        }
        await page.getByRole('status').filter({ hasText: 'End of the log' }).waitFor();
        await screenshot(page, `environment-logs-previous-${dialect}-desktop`);

        // Both deployments on the graphs' time axis: the healthy one and the crash.
        await page.goto(`${t.url}${environmentUrl('graphs')}`);
        const deployments = page.getByRole('region', { name: 'Deployments in this range' });
        await eventually(
          async () => ((await deployments.getByRole('listitem').count()) >= 2 ? true : undefined),
          async () => `markers: ${await textOf(deployments)}`,
        );
        await deployments.getByRole('listitem').filter({ hasText: 'failed' }).waitFor();
        await page.getByRole('figure', { name: 'Restarts' }).waitFor({ timeout: 30_000 });
        await screenshot(page, `environment-graphs-markers-${dialect}-desktop`);
      });

      test('settings: shell access, a protected environment without shells, the metrics path', async () => {
        await page.goto(`${t.url}/projects/${project.id}/settings/shell-access`);
        const access = page.getByRole('form', { name: 'Who may open shells' });
        await access.getByLabel('Shell access').selectOption({ label: 'Developers and maintainers' });
        await access.getByRole('button', { name: 'Save' }).click();
        await access.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
        const project_ = await t.api<{ shell_access: string }>('GET', `projects/${project.id}`);
        assert.equal(project_.body.shell_access, 'developer');
        await screenshot(page, `settings-shell-access-${dialect}-desktop`);

        await page.goto(`${t.url}/projects/${project.id}/settings/protected-environments`);
        const protect = page.getByRole('form', { name: 'Protect an environment' });
        await protect.getByLabel('Environment', { exact: true }).fill('production');
        await protect.getByLabel('Allow shells').uncheck();
        await protect.getByLabel('Logs readable by').selectOption({ label: 'Developers and maintainers' });
        await protect.getByRole('button', { name: 'Protect' }).click();
        const row = page.locator('tr[data-protected-environment="production"]');
        await row.getByText('Disabled').waitFor();
        await screenshot(page, `settings-protected-operations-${dialect}-desktop`);

        // The shell is refused, and the page says why.
        await page.goto(`${t.url}${environmentUrl('shell')}`);
        await page.getByRole('button', { name: 'Connect' }).click();
        await page.getByRole('alert').filter({ hasText: 'shells are disabled' }).waitFor();
        await screenshot(page, `environment-shell-refused-${dialect}-desktop`);

        // Maintainers set where the app's metrics are scraped.
        await page.goto(`${t.url}${environmentUrl('graphs')}`);
        const metrics = page.getByRole('form', { name: 'HTTP metrics' });
        await metrics.getByLabel('Metrics path').fill('/metrics');
        await metrics.getByRole('button', { name: 'Save' }).click();
        await eventually(
          async () => {
            const environment = await t.api<{ metrics_path: string | null }>(
              'GET',
              `projects/${project.id}/environments/${environmentId}`,
            );
            return environment.body.metrics_path === '/metrics' ? true : undefined;
          },
          () => 'metrics_path was not saved',
        );
      });
    });
  }
});

describe('environment operations in the browser on the Kubernetes rig', {
  ...browserSuiteOptions(),
  ...kubeRigSuiteOptions(),
}, () => {
  for (const dialect of DIALECTS) {
    describe(`on ${dialect}`, dialectSuiteOptions(dialect), () => {
      const browser = useBrowser();
      let t: TestServer;
      let work: ScratchDir;
      let project: { id: number; clone: string };
      let environmentId: number;
      const username = `kim-${dialect}`;
      const environmentUrl = (tab: string) => `/projects/${project.id}/environments/${environmentId}/${tab}`;

      before(async () => {
        const rig = await useKubeRig();
        t = await startTestServer(dialect, { env: { GANTRY_METRICS_INTERVAL_SECONDS: '1' } });
        work = await scratchDir('gantry-web-operations-kube-');
        project = await kubeProject(t, rig, work.path, `webops-kube-${run}/${dialect}`);
        await addMaintainer(t, project.id, username);
        const deployed = await kubePushAndDeploy(t, project, {
          'k8s/app.yaml': rigTickingApp('registry.local/webops/app:1'),
          '.gantry.yml': kubeDeployPipeline('manifests: k8s/\ntimeout: 60s'),
        });
        assert.equal(deployed.deployment.status, 'success');
        environmentId = (await productionOf(t, project.id)).id;
      });
      after(async () => {
        await t?.stop();
        await work?.cleanup();
      });

      test('two replicas merged in the log, a shell line reaching it, graphs, the previous container', async () => {
        const logs = await browser.newPage();
        await signIn(logs, t.url, username, PASSWORD, environmentUrl('logs'));
        await waitForText(logRegion(logs), 'rig: tick');
        // One source label per replica: the part of the pod names that differs, and the container.
        const labels = await eventually(
          async () => {
            const found = new Set(await logRegion(logs).locator('.env-log-source').allTextContents());
            return found.size >= 2 ? found : undefined;
          },
          async () => `one source only: ${await textOf(logRegion(logs))}`,
        );
        assert.ok(
          [...labels].every((label) => label.endsWith('/app')),
          [...labels].join(', '),
        );
        await screenshot(logs, `environment-logs-kubernetes-${dialect}-desktop`);

        // In another tab, a shell in a replica writes a line the app prints: the log shows it.
        const shell = await browser.newPage();
        await signIn(shell, t.url, username, PASSWORD, environmentUrl('shell'));
        await shell.getByRole('button', { name: 'Connect' }).click();
        await shell
          .getByRole('status')
          .filter({ hasText: /^Connected to / })
          .waitFor();
        await shell.getByRole('table', { name: 'Shell sessions' }).getByRole('row').nth(1).waitFor();
        const token = randomBytes(4).toString('hex');
        await typeLine(shell, `echo from-shell-${token} >> "$RIG_CONTAINER_LOG"; stty size`);
        await waitForText(logRegion(logs), `from-shell-${token}`);
        const before = await terminalSize(shell);
        await waitForText(terminal(shell), `${before.rows} ${before.cols}`);
        await shell.setViewportSize({ width: 800, height: 560 });
        const after = await eventually(
          async () => {
            const now = await terminalSize(shell);
            return now.cols < before.cols && now.rows < before.rows ? now : undefined;
          },
          () => 'the terminal kept its size',
        );
        await typeLine(shell, 'clear; stty size');
        await waitForText(terminal(shell), `${after.rows} ${after.cols}`);
        await screenshot(shell, `environment-shell-kubernetes-${dialect}-desktop`);
        await typeLine(shell, 'exit 5');
        await shell.getByRole('status').filter({ hasText: 'The command exited with code 5.' }).waitFor();

        // The metrics API's samples: a CPU line per replica, at the 250 millicores the pods use.
        await openTab(logs, 'Graphs');
        const cpu = logs.getByRole('figure', { name: /^CPU/ });
        await eventually(
          async () => (Number(await cpu.getAttribute('data-samples')) >= 4 ? true : undefined),
          async () => `CPU samples: ${await cpu.getAttribute('data-samples')}`,
          60_000,
        );
        assert.match(await textOf(cpu), /Latest: .+ 250m · .+ 250m/);
        await screenshot(logs, `environment-graphs-kubernetes-${dialect}-desktop`);

        // A crash-looping release: the previous container's log of a replica says why.
        const crashed = await kubePushAndDeploy(t, project, {
          'k8s/app.yaml': rigTickingApp('registry.local/webops/app-crashloop:2'),
        });
        assert.equal(crashed.deployment.status, 'failed');
        await openTab(logs, 'Logs');
        const looping = await eventually(
          async () => {
            const listed = await t.api<{
              containers: { pod: string; container: string; has_previous: boolean }[];
            }>('GET', `projects/${project.id}/environments/${environmentId}/containers`);
            return listed.body.containers.find((container) => container.has_previous);
          },
          () => 'no container with a previous instance',
        );
        const previous = logs.getByLabel('Previous container');
        await eventually(
          async () => {
            await logs
              .getByLabel('Container', { exact: true })
              .selectOption({ value: `${looping.pod}/${looping.container}` })
              .catch(() => undefined);
            return (await previous.isEnabled()) ? true : undefined;
          },
          () => '"Previous container" stays disabled',
          60_000,
        );
        await previous.check();
        await waitForText(logRegion(logs), 'crashed: exit code');
        await screenshot(logs, `environment-logs-previous-kubernetes-${dialect}-desktop`);
      });
    });
  }
});
