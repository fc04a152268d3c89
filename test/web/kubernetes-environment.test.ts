import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { kubeRequest } from '../../src/targets/kubernetes/kube-connection.ts';
import { deployPipeline, kubeProject, pushAndDeploy } from '../kubernetes/kubernetes-deploy-helpers.ts';
import { browserSuiteOptions, screenshot, useBrowser, VIEWPORTS } from '../support/browser.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import {
  type KubeRigClient,
  kubeRigSuiteOptions,
  READY_AFTER_ANNOTATION,
  useKubeRig,
} from '../support/kube-rig.ts';
import { eventually, trace } from '../support/pipeline-helpers.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';
import { signIn } from '../support/web-ui.ts';

// The environment page's Kubernetes live view and drift in the browser, against a real server with
// its embedded runner, real pushes and the Kubernetes rig: a rollout followed to its ready pods, a
// Deployment and a ConfigMap changed by hand shown as drift on "Check again", a crash-looping
// release's pods with their reason and growing restarts; all without reloading the page.

const run = randomBytes(2).toString('hex');
const PASSWORD = 'maintainer-password-1';

/**
 * Pods turn ready this long after they start. Longer than the live view's 5 s refresh, so every
 * refresh window holds a moment where a new pod is Running but not ready.
 */
const READY_AFTER_MS = 8000;

const manifests = `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  greeting: hello
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata:
      labels: { app: web }
      annotations: { ${READY_AFTER_ANNOTATION}: "${READY_AFTER_MS}" }
    spec:
      containers:
        - name: web
          image: web
`;

/** The pipeline deploying `k8s/` with the `web` container's image of `repository`, tagged by commit. */
const pipeline = (repository: string) =>
  deployPipeline(`
manifests: k8s/
images:
  web: ${repository}:$CI_COMMIT_SHORT_SHA
timeout: 120s`);
const WEB = 'registry.local/shop/web';
const CRASHING = 'registry.local/shop/web-crashloop';

/** How long to wait for live refreshes and rollouts: several of the rig's readiness delays. */
const ROLLOUT_TIMEOUT_MS = 90_000;

/** A table's body rows, each cell's rendered text by its column header (hidden cells' text too). */
async function tableRows(table: Locator): Promise<Array<Record<string, string>>> {
  if ((await table.count()) === 0) return [];
  return table.evaluate((element) => {
    const headers = [...element.querySelectorAll('thead th')].map((cell) => cell.textContent?.trim() ?? '');
    return [...element.querySelectorAll('tbody tr')].map((row) =>
      Object.fromEntries(
        [...row.querySelectorAll('td')].map((cell, index) => [
          headers[index] ?? String(index),
          // biome-ignore lint/performance/useDomNodeTextContent: its line breaks part a pod's name from its problem
          (cell as HTMLElement).innerText.trim(),
        ]),
      ),
    );
  });
}

for (const dialect of DIALECTS) {
  const options = { ...dialectSuiteOptions(dialect), ...browserSuiteOptions(), ...kubeRigSuiteOptions() };
  describe(`the Kubernetes live view and drift in the browser on ${dialect}`, options, () => {
    const browser = useBrowser();
    let t: TestServer;
    let rig: KubeRigClient;
    let work: ScratchDir;
    let project: { id: number; clone: string };
    let page: Page;
    let namespace: string;
    let releaseSha: string;

    before(async () => {
      rig = await useKubeRig();
      t = await startTestServer(dialect);
      work = await scratchDir('gantry-web-kubernetes-');
      const maintainer = await createUserWithToken(t, 'maya', { password: PASSWORD });
      project = await kubeProject(t, rig, work.path, `web-k8s-${run}/${dialect}`);
      const member = await t.api('POST', `projects/${project.id}/members`, {
        body: { user_id: maintainer.id, access_level: 40 },
      });
      assert.equal(member.status, 201, JSON.stringify(member.body));
      page = await browser.newPage();
      await signIn(page, t.url, 'maya', PASSWORD, `/projects/${project.id}/environments`);
      await page.getByText('No environments yet').waitFor();
      await page.evaluate(() => {
        (window as unknown as { notReloaded: boolean }).notReloaded = true;
      });
    });
    after(async () => {
      await t?.stop();
      await work?.cleanup();
    });

    const kubernetes = () => page.getByRole('region', { name: 'Kubernetes' });
    const workloads = () => tableRows(kubernetes().getByRole('table', { name: 'Workloads' }));
    const pods = () => tableRows(kubernetes().getByRole('table', { name: 'Pods' }));
    const drift = () => kubernetes().getByRole('region', { name: 'Drift' });
    const driftRows = () => tableRows(drift().getByRole('table', { name: 'Drifted objects' }));
    /** The `web` Deployment's row of the Workloads table, once `accept` holds for it. */
    const webWhen = (accept: (row: Record<string, string>) => boolean) =>
      eventually(
        async () => (await workloads()).find((row) => row.Workload === 'Deployment web' && accept(row)),
        async () => `workloads: ${JSON.stringify(await workloads())}`,
        ROLLOUT_TIMEOUT_MS,
      );
    /** The Pods table's rows, once `accept` holds for them. */
    const podsWhen = (accept: (rows: Array<Record<string, string>>) => boolean) =>
      eventually(
        async () => {
          const rows = await pods();
          return accept(rows) ? rows : undefined;
        },
        async () => `pods: ${JSON.stringify(await pods())}`,
        ROLLOUT_TIMEOUT_MS,
      );
    /** Waits until the drift panel's badge says `state` (and its counts are `counts`). */
    const driftSays = (state: 'in sync' | 'drifted', counts?: string) =>
      eventually(
        async () => {
          const badge = await drift().getByText(state, { exact: true }).count();
          const text = (await drift().textContent()) ?? '';
          return badge === 1 && (counts === undefined || text.includes(counts)) ? text : undefined;
        },
        async () => `drift panel: ${JSON.stringify(await drift().textContent())}`,
        ROLLOUT_TIMEOUT_MS,
      );
    const assertNotReloaded = async () =>
      assert.equal(
        await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded),
        true,
        'the page was not reloaded',
      );
    /** Changes an object behind Gantry's back, as `kubectl patch` would. */
    const patch = (path: string, body: unknown) =>
      kubeRequest(rig.kubeConfig, {
        method: 'PATCH',
        path,
        body,
        contentType: 'application/merge-patch+json',
      });

    test('the first release appears on the environment page opened during its rollout: 2/2 ready pods', async () => {
      const deploying = pushAndDeploy(t, project, {
        'k8s/app.yaml': manifests,
        '.gantry.yml': pipeline(WEB),
      });
      // The environment arrives on the open list with its first deployment; the page opened from
      // there shows the live view once the rollout (held back by the readiness delay) succeeds.
      await page
        .getByRole('table', { name: 'Environments' })
        .getByRole('link', { name: 'production' })
        .click();
      await page.waitForURL(/\/environments\/\d+$/);
      const released = await deploying;
      assert.equal(
        released.deployment.status,
        'success',
        await trace(t, project.id, released.deployment.deployable!.id),
      );
      releaseSha = released.sha;
      namespace = released.deployment.snapshot!.namespace;

      const web = await webWhen((row) => row.Ready === '2/2');
      assert.equal(web.Health, 'healthy\n2 of 2 replicas updated and available');
      assert.equal(web.Images, `${WEB}:${releaseSha.slice(0, 8)}`);
      const running = await podsWhen((rows) => rows.length === 2);
      for (const pod of running) {
        assert.match(pod.Pod ?? '', /^web-[a-z0-9]+-[a-z0-9]+$/, 'no problem under the name');
        assert.equal(pod.Phase, 'Running');
        assert.equal(pod.Ready, '1/1');
        assert.equal(pod.Restarts, '0');
        assert.match(pod.Node ?? '', /^rig-node-\d$/);
      }
      await kubernetes().getByText(namespace, { exact: true }).waitFor();
      await driftSays('in sync', '2 in sync, 0 modified, 0 missing.');
      await assertNotReloaded();
      await screenshot(page, 'kubernetes-environment-desktop');
    });

    test('a new release rolls out live: a new pod Running but not ready, then 2/2 on the new image', async () => {
      const before = new Set((await pods()).map((pod) => pod.Pod));
      const deploying = pushAndDeploy(t, project, { VERSION: '2\n' });
      const isNew = (pod: Record<string, string>) => !before.has(pod.Pod);
      // The surge pod of the new ReplicaSet, waiting out its readiness delay.
      await podsWhen((rows) =>
        rows.some((pod) => isNew(pod) && pod.Phase === 'Running' && pod.Ready === '0/1'),
      );
      const released = await deploying;
      assert.equal(released.deployment.status, 'success');
      releaseSha = released.sha;

      await webWhen((row) => row.Ready === '2/2' && row.Images === `${WEB}:${releaseSha.slice(0, 8)}`);
      const rolled = await podsWhen((rows) => rows.length === 2 && rows.every(isNew));
      assert.deepEqual(
        rolled.map((pod) => [pod.Phase, pod.Ready, pod.Restarts]),
        [
          ['Running', '1/1', '0'],
          ['Running', '1/1', '0'],
        ],
      );
      // Checked again when the deployment ended: the new release is what the cluster runs.
      await driftSays('in sync');
      await assertNotReloaded();
    });

    test('objects changed by hand: "Check again" shows the drift, the view follows a scale to 3', async () => {
      await driftSays('in sync');
      await patch(`/apis/apps/v1/namespaces/${namespace}/deployments/web/scale`, { spec: { replicas: 3 } });
      await patch(`/api/v1/namespaces/${namespace}/configmaps/web-config`, {
        data: { greeting: 'changed by hand' },
      });
      // Drift is checked on deployments and on demand, not on a timer: the button asks again.
      const checked = page.waitForResponse((response) => response.url().endsWith('/kubernetes/drift'));
      await drift().getByRole('button', { name: 'Check again' }).click();
      assert.equal((await checked).status(), 200);
      await driftSays('drifted', '0 in sync, 2 modified, 0 missing.');
      const rows = await driftRows();
      assert.deepEqual(
        rows.map((row) => [row.Object, row.State, row.Field, row.Deployed, row.Live]),
        [
          ['ConfigMap web-config', 'modified', 'data.greeting', 'hello', 'changed by hand'],
          ['Deployment web', 'modified', 'spec.replicas', '2', '3'],
        ],
      );
      // The third pod is counted as soon as it exists and as ready only after its delay.
      await webWhen((row) => row.Ready === '2/3');
      await webWhen((row) => row.Ready === '3/3');
      await podsWhen((rows) => rows.length === 3 && rows.every((pod) => pod.Ready === '1/1'));
      await assertNotReloaded();
      await screenshot(page, 'kubernetes-drift-desktop');
    });

    test('a crash-looping release: its pod shows CrashLoopBackOff and restarts that keep growing', async () => {
      const crashed = await pushAndDeploy(t, project, { '.gantry.yml': pipeline(CRASHING) });
      assert.equal(crashed.deployment.status, 'failed');
      assert.match(await trace(t, project.id, crashed.deployment.deployable!.id), /CrashLoopBackOff/);
      const image = `${CRASHING}:${crashed.sha.slice(0, 8)}`;

      await webWhen((row) => row.Images === image);
      const crashing = (rows: Array<Record<string, string>>) =>
        rows.find(
          (pod) => (pod.Pod ?? '').split('\n')[1] === 'CrashLoopBackOff' && Number(pod.Restarts) >= 1,
        );
      const first = crashing(await podsWhen((rows) => crashing(rows) !== undefined));
      assert.equal(first?.Phase, 'Running');
      assert.equal(first?.Ready, '0/1');
      // The rig restarts it every 2 s: a later refresh shows more restarts.
      await podsWhen((rows) =>
        rows.some((pod) => pod.Pod === first?.Pod && Number(pod.Restarts) > Number(first?.Restarts)),
      );
      // The pods of the current release keep serving.
      const serving = await pods();
      assert.ok(serving.filter((pod) => pod.Ready === '1/1').length >= 2, JSON.stringify(serving));
      await page
        .getByRole('table', { name: 'Deployment history' })
        .getByText('failed', { exact: true })
        .waitFor();
      // The failed release left its image in the cluster: drift from the current deployment, checked
      // again when the deployment ended.
      const imageDrift = await eventually(
        async () => (await driftRows()).find((row) => row.Field === 'spec.template.spec.containers[0].image'),
        async () => `drift: ${JSON.stringify(await driftRows())}`,
      );
      assert.deepEqual([imageDrift.Deployed, imageDrift.Live], [`${WEB}:${releaseSha.slice(0, 8)}`, image]);
      await assertNotReloaded();
      await screenshot(page, 'kubernetes-crashloop-desktop');

      const phone = await browser.newPage({ viewport: 'phone' });
      await signIn(phone, t.url, 'maya', PASSWORD, new URL(page.url()).pathname);
      await phone.getByRole('table', { name: 'Pods' }).getByText('CrashLoopBackOff').first().waitFor();
      await phone
        .getByRole('region', { name: 'Drift' })
        .getByRole('button', { name: 'Check again' })
        .waitFor();
      const fits = await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      assert.equal(fits, true, 'the environment page does not scroll sideways; its tables do');
      // Readiness and restarts are seen without scrolling the Pods table sideways.
      const restarts = await phone.getByRole('columnheader', { name: 'Restarts' }).boundingBox();
      assert.ok(restarts && restarts.x + restarts.width <= VIEWPORTS.phone.width, JSON.stringify(restarts));
      await screenshot(phone, 'kubernetes-environment-phone');
      await phone.close();
    });
  });
}
