import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSuiteOptions, screenshot, useBrowser } from '../support/browser.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { kubeRigSuiteOptions, useKubeRig } from '../support/kube-rig.ts';
import {
  cloneProject,
  eventually,
  pipelineFor,
  pushFiles,
  waitForPipeline,
} from '../support/pipeline-helpers.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';
import { signIn } from '../support/web-ui.ts';

// Project settings, admin pages and personal access tokens in the browser, against a real server:
// a maintainer adds a masked variable, a webhook (delivering to a loopback receiver), a member and
// a broken Kubernetes target; a token is created, used and revoked; a reporter sees no actions and
// the API refuses them the same actions.

const PASSWORD = 'settings-password-1';
const SECRET = 'masked-Secret-value-42';
const BROKEN_KUBECONFIG = 'apiVersion: v1\nclusters: [unclosed';
const PIPELINE = [
  'deploy_production:',
  '  when: manual',
  '  environment: { name: production }',
  '  script: [echo "deployed $CI_COMMIT_SHORT_SHA"]',
  '',
].join('\n');

/** Names of buttons only people allowed to deploy, approve or stop may see. */
const DEPLOY_ACTIONS = /^(deploy|re-?deploy|approve|reject|rollback|roll back|stop)\b/i;

const PROJECT_SECTIONS = [
  'targets',
  'variables',
  'environment-secrets',
  'protected-environments',
  'freeze-windows',
  'auto-deploy-rules',
  'webhooks',
  'members',
];
const ADMIN_SECTIONS = ['runners', 'targets', 'users', 'variables', 'freeze-windows'];

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on loopback answering 200, remembering each request. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.end('thanks');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
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
  // A string, as this file is type-checked without the DOM's types.
  return page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');
}

for (const dialect of DIALECTS) {
  describe(`settings in the browser on ${dialect}`, {
    ...browserSuiteOptions(),
    ...dialectSuiteOptions(dialect),
  }, () => {
    const browser = useBrowser();
    let t: TestServer;
    let work: ScratchDir;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let maintainer: { id: number; token: string };
    let reporter: { id: number; token: string };
    let projectId: number;
    let environmentId: number;
    let deploymentId: number;
    let ruleId: number;
    const projectPath = 'shop/web';

    before(async () => {
      t = await startTestServer(dialect);
      work = await scratchDir('gantry-web-settings-');
      receiver = await startReceiver();
      await createUserWithToken(t, 'ada', { admin: true, password: PASSWORD });
      maintainer = await createUserWithToken(t, 'mia', { password: PASSWORD });
      reporter = await createUserWithToken(t, 'rory', { password: PASSWORD });
      await createUserWithToken(t, 'dana', { password: PASSWORD });
      const created = await t.api<{ id: number }>('POST', 'projects', {
        token: maintainer.token,
        body: { path: projectPath },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      projectId = created.body.id;
      const member = await t.api('POST', `projects/${projectId}/members`, {
        token: maintainer.token,
        body: { user_id: reporter.id, access_level: 20 },
      });
      assert.equal(member.status, 201);

      // A deployed environment with an auto-deploy rule, so that the pages a reporter opens hold
      // what maintainers could act on.
      const clone = await cloneProject(t, projectPath, join(work.path, 'app'));
      const sha = await pushFiles(clone, { '.gantry.yml': PIPELINE });
      await waitForPipeline(t, projectId, (await pipelineFor(t, projectId, sha)).id);
      const environments = await t.api<{ id: number }[]>(
        'GET',
        `projects/${projectId}/environments?name=production`,
      );
      environmentId = environments.body[0]!.id;
      const deployed = await t.api<{ id: number }>(
        'POST',
        `projects/${projectId}/environments/${environmentId}/deploy`,
        {
          token: maintainer.token,
          body: { ref: 'main', always: true },
        },
      );
      assert.equal(deployed.status, 201, JSON.stringify(deployed.body));
      deploymentId = deployed.body.id;
      await eventually(
        async () => {
          const one = await t.api<{ status: string }>(
            'GET',
            `projects/${projectId}/deployments/${deploymentId}`,
          );
          return one.body.status === 'success' ? true : undefined;
        },
        () => `deployment ${deploymentId} did not succeed`,
      );
      const rules = await t.api<{ id: number }[]>('GET', `projects/${projectId}/auto_deploy_rules`);
      ruleId = rules.body[0]!.id;
    });
    after(async () => {
      await t?.stop();
      await work?.cleanup();
      receiver?.server.close();
    });

    const settings = (section: string) => `/projects/${projectId}/settings/${section}`;

    test('a maintainer adds a masked CI/CD variable; the list shows it hidden until revealed', async () => {
      const page = await browser.newPage();
      await signIn(page, t.url, 'mia', PASSWORD, settings('variables'));
      const form = page.getByRole('form', { name: 'Add a variable' });
      await form.getByLabel('Key').fill('DEPLOY_TOKEN');
      await form.getByLabel('Value', { exact: true }).fill(SECRET);
      await form.getByLabel('Masked').check();
      await form.getByRole('button', { name: 'Add variable' }).click();

      const row = page.locator('tr[data-variable="DEPLOY_TOKEN"]');
      await row.getByText('masked', { exact: true }).waitFor();
      assert.equal(await row.getByTestId('variable-value').textContent(), '••••••••');
      assert.equal(await page.getByText(SECRET).count(), 0, 'the value is nowhere on the page');
      await screenshot(page, 'settings-variables-revealable-desktop');

      await row.getByRole('button', { name: 'Reveal value of DEPLOY_TOKEN' }).click();
      await row.getByText(SECRET).waitFor();
      const listed = await t.api<{ key: string; value: string | null }[]>(
        'GET',
        `projects/${projectId}/variables`,
        {
          token: maintainer.token,
        },
      );
      assert.deepEqual(listed.body, [{ ...listed.body[0], key: 'DEPLOY_TOKEN', value: null }]);
      await page.close();
    });

    test('a webhook sends a test event to a loopback receiver; its delivery log shows it delivered', async () => {
      const page = await browser.newPage();
      await signIn(page, t.url, 'mia', PASSWORD, settings('webhooks'));
      const form = page.getByRole('form', { name: 'Add a webhook' });
      await form.getByLabel('URL').fill(receiver.url);
      await form.getByLabel('Secret token').fill('hook-signing-secret');
      await form.getByRole('button', { name: 'Add webhook' }).click();

      const hook = page.getByRole('listitem', { name: `Webhook ${receiver.url}` });
      await hook.getByRole('button', { name: 'Send test' }).click();
      const delivery = hook.getByRole('region', { name: 'Deliveries' }).locator('tr[data-delivery]');
      await delivery.getByText('delivered', { exact: true }).waitFor();
      assert.match(String(await delivery.textContent()), /pipeline[\s\S]*HTTP 200/);
      assert.equal(receiver.received.length, 1);
      assert.equal(receiver.received[0]!.headers['x-gantry-event'], 'pipeline');
      assert.match(String(receiver.received[0]!.headers['x-gantry-signature-256']), /^sha256=[0-9a-f]{64}$/);
      await delivery.getByText('pipeline', { exact: true }).click();
      await delivery.getByText('"object_kind": "pipeline"').waitFor();
      await screenshot(page, 'settings-webhooks-delivered-desktop');
      await page.close();
    });

    test('a maintainer adds a member by username; an unknown username is refused in the form', async () => {
      const page = await browser.newPage();
      await signIn(page, t.url, 'mia', PASSWORD, settings('members'));
      const form = page.getByRole('form', { name: 'Add a member' });
      await form.getByLabel('Username').fill('nobody-here');
      await form.getByRole('button', { name: 'Add member' }).click();
      await form.getByRole('alert').filter({ hasText: 'No user is named "nobody-here".' }).waitFor();

      await form.getByLabel('Username').fill('dana');
      await form.getByLabel('Role').selectOption({ label: 'Maintainer' });
      await form.getByRole('button', { name: 'Add member' }).click();
      const role = page.getByLabel('Role of dana');
      await role.waitFor();
      assert.equal(await role.inputValue(), '40');
      await role.selectOption({ label: 'Developer' });
      await page
        .getByRole('dialog', { name: 'Make dana Developer?' })
        .getByRole('button', { name: 'Change role' })
        .click();
      await eventually(
        async () => {
          const members = await t.api<{ username: string; access_level: number }[]>(
            'GET',
            `projects/${projectId}/members`,
            { token: maintainer.token },
          );
          return members.body.find((member) => member.username === 'dana')?.access_level === 30
            ? true
            : undefined;
        },
        () => 'dana did not become a developer',
      );
      await screenshot(page, 'settings-members-added-desktop');
      await page.close();
    });

    test("a broken kubeconfig is refused: the API's message appears in the form", async () => {
      const page = await browser.newPage();
      await signIn(page, t.url, 'mia', PASSWORD, settings('targets'));
      const form = page.getByRole('form', { name: 'Add a target' });
      await form.getByLabel('Name', { exact: true }).fill('prod-cluster');
      await form.getByLabel('Environment scope').fill('production');
      await form.getByLabel('Kubeconfig').fill(BROKEN_KUBECONFIG);
      await form.getByRole('button', { name: 'Add target' }).click();

      const expected = await t.api<{ error: { message: string } }>('POST', `projects/${projectId}/targets`, {
        token: maintainer.token,
        body: { name: 'same', kind: 'kubernetes', kubernetes: { kubeconfig: `${BROKEN_KUBECONFIG}\n` } },
      });
      assert.equal(expected.status, 400);
      const alert = form.getByRole('alert');
      await alert.filter({ hasText: expected.body.error.message }).waitFor();
      assert.match(expected.body.error.message, /kubeconfig/);
      await page.getByText('No targets yet.').waitFor();
      assert.equal(
        await form.getByLabel('Kubeconfig').inputValue(),
        BROKEN_KUBECONFIG,
        'what was typed stays',
      );
      await screenshot(page, 'settings-targets-refused-desktop');

      // An external deployer needs no cluster: it is listed at once, and deleted after confirming.
      await form.getByLabel('Kind').selectOption({ label: 'External deployer (signed webhooks)' });
      await form.getByLabel('Webhook URL').fill(receiver.url);
      await form.getByRole('button', { name: 'Add target' }).click();
      await page.getByRole('status').filter({ hasText: 'Target prod-cluster added.' }).waitFor();
      const row = page.locator('tr[data-target="prod-cluster"]');
      assert.match(String(await row.textContent()), /External deployer[\s\S]*production/);
      await screenshot(page, 'settings-targets-added-desktop');
      await row.getByRole('button', { name: 'Delete' }).click();
      await page
        .getByRole('dialog', { name: 'Delete target prod-cluster?' })
        .getByRole('button', { name: 'Delete' })
        .click();
      await page.getByText('No targets yet.').waitFor();
      await page.close();
    });

    test('a personal access token is shown once, works against the API, and fails once revoked', async () => {
      const page = await browser.newPage();
      await signIn(page, t.url, 'mia', PASSWORD, '/user/tokens');
      const form = page.getByRole('form', { name: 'Create a token' });
      await form.getByLabel('Name').fill('deploy-bot');
      await form.getByRole('button', { name: 'Create token' }).click();
      const shown = page.getByLabel('Token deploy-bot', { exact: true });
      const token = await shown.inputValue();
      assert.match(token, /^gty_/);
      await screenshot(page, 'tokens-created-desktop');

      const asToken = () =>
        fetch(`${t.url}/api/v1/user`, { headers: { authorization: `Bearer ${token}` } }).then(
          async (response) => ({
            status: response.status,
            body: (await response.json()) as { username?: string },
          }),
        );
      const working = await asToken();
      assert.equal(working.status, 200);
      assert.equal(working.body.username, 'mia');

      await page.getByRole('button', { name: 'Dismiss' }).click();
      assert.equal(await page.getByText(token).count(), 0, 'the token is shown only once');
      const row = page.locator('tr[data-token="deploy-bot"]');
      await row.getByRole('button', { name: 'Revoke' }).click();
      await page
        .getByRole('dialog', { name: 'Revoke token deploy-bot?' })
        .getByRole('button', { name: 'Revoke' })
        .click();
      await row.getByText('revoked', { exact: true }).waitFor();
      assert.equal((await asToken()).status, 401);
      await screenshot(page, 'tokens-revoked-desktop');
      await page.close();
    });

    test('a reporter sees no settings or deploy actions, and the API refuses them', async () => {
      // What a maintainer sees on the environment page, so the reporter's check below is not vacuous.
      const environmentPage = `/projects/${projectId}/environments/${environmentId}`;
      const maintainerPage = await browser.newPage();
      await signIn(maintainerPage, t.url, 'mia', PASSWORD, environmentPage);
      await maintainerPage.getByRole('button', { name: DEPLOY_ACTIONS }).first().waitFor();
      await maintainerPage.close();

      const page = await browser.newPage();
      await signIn(page, t.url, 'rory', PASSWORD, `/projects/${projectId}/settings`);
      const nav = page.getByRole('navigation', { name: 'Settings sections' });
      await page.waitForURL(/\/settings\/auto-deploy-rules$/);
      assert.deepEqual(await nav.getByRole('link').allTextContents(), [
        'Auto-deploy rules',
        'Rebuild schedules',
        'Members',
      ]);
      await page.locator(`tr[data-auto-deploy-rule="${ruleId}"]`).waitFor();
      assert.equal(
        await page.locator('.settings-content button').count(),
        0,
        'no action on auto-deploy rules',
      );

      await nav.getByRole('link', { name: 'Members' }).click();
      await page.locator('tr[data-member="rory"]').waitFor();
      assert.equal(await page.locator('.settings-content button').count(), 0, 'no action on members');
      assert.equal(await page.locator('.settings-content select').count(), 0, 'no role picker');
      assert.equal(await page.getByRole('form').count(), 0, 'no form');
      await screenshot(page, 'settings-members-reporter-desktop');

      for (const section of ['variables', 'targets', 'webhooks']) {
        await page.goto(`${t.url}${settings(section)}`);
        await page.getByRole('note').filter({ hasText: 'are for maintainers and admins only.' }).waitFor();
        assert.equal(await page.locator('.settings-content button').count(), 0);
      }
      await page.goto(`${t.url}/admin/users`);
      await page.getByRole('note').filter({ hasText: 'This page is for admins only.' }).waitFor();

      // The environment page: once the reporter's role is known, no deploy, approve, rollback or stop.
      const roleKnown = page.waitForResponse((response) =>
        response.url().endsWith(`/members/${reporter.id}`),
      );
      await page.goto(`${t.url}${environmentPage}`);
      await (await roleKnown).finished();
      await page.getByRole('table', { name: 'Deployment history' }).getByRole('row').nth(1).waitFor();
      const forbidden = (await buttonNames(page)).filter((name) => DEPLOY_ACTIONS.test(name));
      assert.deepEqual(forbidden, [], 'the reporter sees no deploy actions');
      await screenshot(page, 'environment-reporter-desktop');
      await page.close();

      const asReporter = (method: string, path: string, body?: unknown) =>
        t.api(method, `projects/${projectId}/${path}`, { token: reporter.token, body });
      const refused: [string, string, unknown?][] = [
        ['POST', 'variables', { key: 'X_TOKEN', value: 'some-value-1' }],
        ['GET', 'variables'],
        ['POST', 'environment_secrets', { key: 'X', value: 'y' }],
        ['POST', 'targets', { name: 'x', kind: 'external', url: 'https://d.example/hook' }],
        ['POST', 'protected_environments', { name: 'production' }],
        ['POST', 'freeze_periods', { freeze_start: '0 23 * * 5', freeze_end: '0 7 * * 1' }],
        ['POST', 'hooks', { url: receiver.url }],
        ['POST', 'members', { user_id: reporter.id, access_level: 40 }],
        ['PUT', `members/${reporter.id}`, { access_level: 40 }],
        ['DELETE', `auto_deploy_rules/${ruleId}`],
        ['POST', `environments/${environmentId}/deploy`, { ref: 'main' }],
        ['POST', `environments/${environmentId}/stop`, {}],
        ['POST', `deployments/${deploymentId}/rollback`, {}],
      ];
      for (const [method, path, body] of refused) {
        const answer = await asReporter(method, path, body);
        assert.equal(answer.status, 403, `${method} ${path}: ${JSON.stringify(answer.body)}`);
      }
    });

    test('an admin registers a runner, sees its token once, and removes it; creates and blocks a user', async () => {
      const page = await browser.newPage();
      await signIn(page, t.url, 'ada', PASSWORD, '/admin/runners');
      const form = page.getByRole('form', { name: 'Register a runner' });
      await form.getByLabel('Description').fill('build-host-1');
      await form.getByLabel('Tags').fill('podman, linux');
      await form.getByRole('button', { name: 'Register runner' }).click();
      const token = await page.getByLabel('Token of runner build-host-1', { exact: true }).inputValue();
      assert.match(token, /^gtr_/);
      const row = page.locator('tr').filter({ hasText: 'build-host-1' });
      await row.getByText('offline', { exact: true }).waitFor();
      await screenshot(page, 'admin-runners-registered-desktop');
      await row.getByRole('button', { name: 'Remove' }).click();
      await page
        .getByRole('dialog', { name: 'Remove runner build-host-1?' })
        .getByRole('button', { name: 'Remove' })
        .click();
      await row.waitFor({ state: 'detached' });
      const runners = await t.api<{ description: string }[]>('GET', 'runners');
      assert.deepEqual(
        runners.body.map((runner) => runner.description),
        ['embedded'],
      );

      await page
        .getByRole('navigation', { name: 'Admin sections' })
        .getByRole('link', { name: 'Users' })
        .click();
      const create = page.getByRole('form', { name: 'Create a user' });
      await create.getByLabel('Username').fill('eve');
      await create.getByLabel('Password').fill(PASSWORD);
      await create.getByRole('button', { name: 'Create user' }).click();
      const eve = page.locator('tr[data-user="eve"]');
      await eve.getByRole('button', { name: 'Block' }).click();
      await page.getByRole('dialog', { name: 'Block eve?' }).getByRole('button', { name: 'Block' }).click();
      await eve.getByText('blocked', { exact: true }).waitFor();
      const signInAsEve = await fetch(`${t.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'eve', password: PASSWORD }),
      });
      assert.equal(signInAsEve.status, 401);
      await page.close();
    });

    test('every settings page, at desktop and phone width', async () => {
      const asMaintainer = (path: string, body: unknown) =>
        t.api('POST', `projects/${projectId}/${path}`, { token: maintainer.token, body });
      for (const [path, body] of [
        [
          'environment_secrets',
          { key: 'DATABASE_URL', value: 'postgres://db/shop', environment_scope: 'production' },
        ],
        [
          'protected_environments',
          { name: 'production', required_approval_count: 1, approval_rules: [{ access_level: 40 }] },
        ],
        [
          'freeze_periods',
          { freeze_start: '0 23 * * 5', freeze_end: '0 7 * * 1', cron_timezone: 'Europe/Berlin' },
        ],
      ] as const) {
        assert.equal((await asMaintainer(path, body)).status, 201, path);
      }
      for (const viewport of ['desktop', 'phone'] as const) {
        const page = await browser.newPage({ viewport });
        await signIn(page, t.url, 'mia', PASSWORD, settings('targets'));
        for (const section of PROJECT_SECTIONS) {
          await page.goto(`${t.url}${settings(section)}`);
          await page.locator('.settings-content > section > div > h2').waitFor();
          await page.getByText('Loading…').waitFor({ state: 'detached' });
          assert.equal(await fitsWidth(page), true, `${section} fits a ${viewport}`);
          await screenshot(page, `settings-${section}-${viewport}`);
        }
        await page.goto(`${t.url}/user/tokens`);
        await page.getByRole('form', { name: 'Create a token' }).waitFor();
        assert.equal(await fitsWidth(page), true, `tokens fit a ${viewport}`);
        await screenshot(page, `tokens-${viewport}`);
        await page.goto(`${t.url}/admin`);
        await page.getByText('This page is for admins only.').waitFor();
        await page.close();

        const admin = await browser.newPage({ viewport });
        await signIn(admin, t.url, 'ada', PASSWORD, '/admin');
        await admin.waitForURL(/\/admin\/runners$/);
        for (const section of ADMIN_SECTIONS) {
          await admin.goto(`${t.url}/admin/${section}`);
          await admin.locator('.settings-content > section > div > h2').waitFor();
          await admin.getByText('Loading…').waitFor({ state: 'detached' });
          assert.equal(await fitsWidth(admin), true, `admin ${section} fits a ${viewport}`);
          await screenshot(admin, `admin-${section}-${viewport}`);
        }
        await admin.close();
      }
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`a Kubernetes target in the browser on ${dialect}`, {
    ...browserSuiteOptions(),
    ...dialectSuiteOptions(dialect),
    ...kubeRigSuiteOptions(),
  }, () => {
    const browser = useBrowser();
    let t: TestServer;
    let kubeconfig: string;
    let projectId: number;

    before(async () => {
      const rig = await useKubeRig();
      kubeconfig = readFileSync(rig.info.kubeconfigPath, 'utf8');
      t = await startTestServer(dialect);
      await createUserWithToken(t, 'mia', { password: PASSWORD });
      const created = await t.api<{ id: number }>('POST', 'projects', {
        body: { path: `cluster/${dialect}` },
      });
      projectId = created.body.id;
      const member = await t.api('POST', `projects/${projectId}/members`, {
        body: {
          user_id: (await t.api<{ id: number }[]>('GET', 'users?username=mia')).body[0]!.id,
          access_level: 40,
        },
      });
      assert.equal(member.status, 201);
    });
    after(() => t?.stop());

    test('a pasted kubeconfig is checked against the cluster, whose answer the page shows', async () => {
      const page = await browser.newPage();
      await signIn(page, t.url, 'mia', PASSWORD, `/projects/${projectId}/settings/targets`);
      const form = page.getByRole('form', { name: 'Add a target' });
      await form.getByLabel('Name', { exact: true }).fill('rig');
      await form.getByLabel('Kubeconfig').fill(kubeconfig);
      await form.getByRole('button', { name: 'Add target' }).click();
      const added = page.getByRole('status').filter({ hasText: 'Target rig added: the cluster answered' });
      await added.waitFor();
      const [target] = (
        await t.api<{ kubernetes: { api_url: string; server_version: string } }[]>(
          'GET',
          `projects/${projectId}/targets`,
        )
      ).body;
      assert.ok(target?.kubernetes.server_version, 'the API recorded the version the cluster reported');
      assert.match(
        String(await added.textContent()),
        new RegExp(`Kubernetes ${target.kubernetes.server_version}`),
      );
      const row = page.locator('tr[data-target="rig"]');
      assert.match(
        String(await row.textContent()),
        new RegExp(`${target.kubernetes.api_url}[\\s\\S]*by kubeconfig`),
      );
      assert.equal(
        await form.getByLabel('Kubeconfig').inputValue(),
        '',
        'the form is emptied, the credentials kept nowhere',
      );

      await row.getByRole('button', { name: 'Check connection' }).click();
      await row.getByRole('status').filter({ hasText: 'Connected: the cluster answered' }).waitFor();
      await screenshot(page, 'settings-targets-kubernetes-desktop');
      await page.close();
    });
  });
}
