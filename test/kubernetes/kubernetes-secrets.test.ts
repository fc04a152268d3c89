import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { sql } from 'kysely';
import { deploymentEnds, deploymentsOf } from '../deployments/deployment-helpers.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { scratchDir } from '../support/git-work-tree.ts';
import { type KubeRigClient, kubeRigSuiteOptions, useKubeRig } from '../support/kube-rig.ts';
import { trace } from '../support/pipeline-helpers.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import {
  appManifests,
  deployPipeline,
  type KubeDeploymentView,
  kubeProject,
  productionOf,
  pushAndDeploy,
} from './kubernetes-deploy-helpers.ts';

// Secrets on the Kubernetes target against the rig: environment secrets set over the API become the
// Secret `gantry-environment` in the environment's namespace, applied before the workloads, and their
// values appear nowhere else — not in API answers, job logs or the database. A changed value rolls the
// pods; a Secret of the user's manifests is redacted in the snapshot and restored by a rollback.

const run = randomBytes(2).toString('hex');
const SECRETS_VERSION = 'gantry.dev/secrets-version';
const REDACTED = /^gantry:redacted:/;

/** A value no other test writes, to search for. */
const secretValue = (label: string) => `${label}-${randomBytes(6).toString('hex')}-plaintext`;

/** A fixed web image: a new deployment rolls the pods only when the secrets change. */
const pipeline = deployPipeline(`
manifests: k8s/
images:
  web: registry.local/shop/web:1
timeout: 60s`);

/** The app, with a Secret of the user's own holding `token`. */
const manifestsWith = (token: string) =>
  appManifests({
    extra: `---
apiVersion: v1
kind: Secret
metadata:
  name: app-credentials
stringData:
  token: ${token}
`,
  });

const decoded = (data: Record<string, string> | undefined) =>
  Object.fromEntries(
    Object.entries(data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]),
  );

/** The pods of the web Deployment that are not being deleted. */
async function livePods(rig: KubeRigClient, namespace: string): Promise<V1Pod[]> {
  const pods = await rig.core.listNamespacedPod({ namespace, labelSelector: 'app=web' });
  return pods.items.filter((pod) => !pod.metadata?.deletionTimestamp);
}

for (const dialect of DIALECTS) {
  describe(`Kubernetes secrets on ${dialect}`, {
    ...dialectSuiteOptions(dialect),
    ...kubeRigSuiteOptions(),
  }, () => {
    let t: TestServer;
    let rig: KubeRigClient;
    let work: { path: string; cleanup(): Promise<void> };
    const sqliteFile = join(mkdtempSync(join(tmpdir(), 'gantry-secrets-db-')), 'gantry.db');
    // Every API answer of the test, to search for the values.
    const answers: string[] = [];
    const api = async <T>(method: string, path: string, body?: unknown) => {
      const response = await t.api<T>(method, path, body === undefined ? {} : { body });
      answers.push(JSON.stringify(response.body ?? null));
      return response;
    };

    before(async () => {
      rig = await useKubeRig();
      t = await startTestServer(
        dialect,
        dialect === 'sqlite' ? { env: { GANTRY_DATABASE_URL: `sqlite:${sqliteFile}` } } : {},
      );
      work = await scratchDir();
    });
    after(async () => {
      await t?.stop();
      await work?.cleanup();
    });

    /** What the database holds, as text: the SQLite files' bytes, or every row of every PostgreSQL table. */
    async function databaseText(): Promise<string> {
      if (dialect === 'sqlite') {
        return [sqliteFile, `${sqliteFile}-wal`]
          .filter((file) => existsSync(file))
          .map((file) => readFileSync(file).toString('latin1'))
          .join('\n');
      }
      const db = t.server.store.db;
      const tables = await db.introspection.getTables();
      const dumps = await Promise.all(
        tables.map(async (table) => {
          const { rows } = await sql`select * from ${sql.table(table.name)}`.execute(db);
          // bytea columns arrive as Buffers (which JSON shows as byte lists): searched as text too.
          return JSON.stringify(rows, (_key, value: unknown) => {
            const bytes = value as { type?: unknown; data?: unknown };
            return bytes?.type === 'Buffer' && Array.isArray(bytes.data)
              ? Buffer.from(bytes.data as number[]).toString('latin1')
              : value;
          });
        }),
      );
      return dumps.join('\n');
    }

    test('environment secrets reach the Secret gantry-environment and nothing else; a change rolls the pods', async () => {
      const path = `k8s-secrets-${run}/${dialect}`;
      const project = await kubeProject(t, rig, work.path, path);
      const namespace = `k8s-secrets-${run}-${dialect}-production`;
      const password = secretValue('db-password');
      const apiKey = secretValue('api-key');
      const stagingOnly = secretValue('staging-only');
      for (const [key, value, environment_scope] of [
        ['DB_PASSWORD', password, '*'],
        ['API_KEY', apiKey, 'production'],
        ['STAGING_KEY', stagingOnly, 'staging'],
      ] as const) {
        const created = await api('POST', `projects/${project.id}/environment_secrets`, {
          key,
          value,
          environment_scope,
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
      }
      const firstToken = secretValue('user-token-1');

      // 1. The first deployment: the environment's secrets in gantry-environment, before the workloads.
      const v1 = await pushAndDeploy(t, project, {
        'k8s/app.yaml': manifestsWith(firstToken),
        '.gantry.yml': pipeline,
      });
      const v1Log = await trace(t, project.id, v1.deployment.deployable!.id);
      assert.equal(v1.deployment.status, 'success', v1Log);
      const secret = await rig.core.readNamespacedSecret({ namespace, name: 'gantry-environment' });
      assert.deepEqual(decoded(secret.data), { API_KEY: apiKey, DB_PASSWORD: password });
      assert.match(v1Log, /Environment secrets: 2 keys in Secret gantry-environment/);
      const secretApplied = v1Log.indexOf(`Secret ${namespace}/gantry-environment created`);
      const workloadApplied = v1Log.indexOf(`Deployment ${namespace}/web created`);
      assert.ok(secretApplied !== -1 && workloadApplied !== -1, v1Log);
      assert.ok(secretApplied < workloadApplied, `the Secret is applied before the workloads:\n${v1Log}`);
      const userSecret = await rig.core.readNamespacedSecret({ namespace, name: 'app-credentials' });
      assert.deepEqual(decoded(userSecret.data), { token: firstToken });

      // The snapshot names the values only by reference.
      const shown = (
        await api<KubeDeploymentView>('GET', `projects/${project.id}/deployments/${v1.deployment.id}`)
      ).body;
      const snapshotSecret = (name: string) => {
        const found = shown.snapshot?.manifests.find(
          (m) => m.kind === 'Secret' && m.metadata.name === name,
        ) as { data?: Record<string, string>; stringData?: unknown } | undefined;
        assert.ok(found, `the snapshot holds Secret ${name}`);
        return found;
      };
      const environmentInSnapshot = snapshotSecret('gantry-environment');
      assert.deepEqual(Object.keys(environmentInSnapshot.data ?? {}).sort(), ['API_KEY', 'DB_PASSWORD']);
      for (const value of Object.values(environmentInSnapshot.data ?? {})) assert.match(value, REDACTED);
      const userInSnapshot = snapshotSecret('app-credentials');
      assert.equal(userInSnapshot.stringData, undefined);
      assert.match(userInSnapshot.data?.token ?? '', REDACTED);

      const web = await rig.apps.readNamespacedDeployment({ namespace, name: 'web' });
      const v1Version = web.spec?.template.metadata?.annotations?.[SECRETS_VERSION];
      assert.match(v1Version ?? '', /^[0-9a-f]{16,}$/, 'the pod template names the secrets version');
      const v1Pods = (await livePods(rig, namespace)).map((pod) => pod.metadata?.name);

      // 2. A changed value: the Secret follows and the pods roll (the image is the same).
      const newPassword = secretValue('db-password-2');
      const changed = await api('PUT', `projects/${project.id}/environment_secrets/DB_PASSWORD`, {
        value: newPassword,
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      const v2 = await pushAndDeploy(t, project, { 'README.md': 'the password changed\n' });
      assert.equal(v2.deployment.status, 'success', await trace(t, project.id, v2.deployment.deployable!.id));
      assert.deepEqual(
        decoded((await rig.core.readNamespacedSecret({ namespace, name: 'gantry-environment' })).data),
        { API_KEY: apiKey, DB_PASSWORD: newPassword },
      );
      const rolled = await rig.apps.readNamespacedDeployment({ namespace, name: 'web' });
      const v2Version = rolled.spec?.template.metadata?.annotations?.[SECRETS_VERSION];
      assert.match(v2Version ?? '', /^[0-9a-f]{16,}$/);
      assert.notEqual(v2Version, v1Version, 'a changed secret changes the pod template');
      const v2Pods = await livePods(rig, namespace);
      assert.equal(v2Pods.length, 2);
      for (const pod of v2Pods) {
        assert.equal(pod.metadata?.annotations?.[SECRETS_VERSION], v2Version);
        assert.ok(!v1Pods.includes(pod.metadata?.name), `pod ${pod.metadata?.name} is a new one`);
      }

      // 3. The user's Secret changes; the environment's secrets do not, so the pods stay.
      const secondToken = secretValue('user-token-2');
      const v3 = await pushAndDeploy(t, project, { 'k8s/app.yaml': manifestsWith(secondToken) });
      assert.equal(v3.deployment.status, 'success', await trace(t, project.id, v3.deployment.deployable!.id));
      assert.deepEqual(
        decoded((await rig.core.readNamespacedSecret({ namespace, name: 'app-credentials' })).data),
        { token: secondToken },
      );
      const kept = await rig.apps.readNamespacedDeployment({ namespace, name: 'web' });
      assert.equal(kept.spec?.template.metadata?.annotations?.[SECRETS_VERSION], v2Version);
      assert.deepEqual(kept.spec?.template, rolled.spec?.template, 'the pod template is unchanged');
      assert.deepEqual(
        (await livePods(rig, namespace)).map((pod) => pod.metadata?.name).sort(),
        v2Pods.map((pod) => pod.metadata?.name).sort(),
        'the pods were not restarted',
      );

      // 4. Rolling back to the first deployment restores its Secret from the stored (encrypted) values.
      const rollback = await api<KubeDeploymentView>(
        'POST',
        `projects/${project.id}/deployments/${v1.deployment.id}/rollback`,
      );
      assert.equal(rollback.status, 201, JSON.stringify(rollback.body));
      const rolledBack = await deploymentEnds(t, project.id, rollback.body.id);
      assert.equal(rolledBack.status, 'success', await trace(t, project.id, rolledBack.deployable!.id));
      assert.deepEqual(
        decoded((await rig.core.readNamespacedSecret({ namespace, name: 'app-credentials' })).data),
        { token: firstToken },
      );

      // Nowhere else: API answers, job logs, the database.
      for (const d of await deploymentsOf(t, project.id)) {
        await api('GET', `projects/${project.id}/deployments/${d.id}`);
        await api('GET', `projects/${project.id}/jobs/${d.deployable!.id}`);
        answers.push(await trace(t, project.id, d.deployable!.id));
      }
      await api('GET', `projects/${project.id}/audit_events`);
      answers.push(JSON.stringify(await productionOf(t, project.id)));
      await api('GET', `projects/${project.id}/deployments`);
      await api('GET', `projects/${project.id}/environment_secrets`);
      const targets = await api<Array<{ id: number }>>('GET', `projects/${project.id}/targets`);
      for (const target of targets.body) await api('GET', `projects/${project.id}/targets/${target.id}`);
      const seen = [answers.join('\n'), await databaseText()];
      // What was searched is what it should be: the keys are no secret.
      assert.ok(seen[0]!.includes('DB_PASSWORD') && seen[0]!.includes('Secret gantry-environment'));
      assert.ok(seen[1]!.includes('DB_PASSWORD') && seen[1]!.includes('gantry-environment'));
      const values = [password, newPassword, apiKey, stagingOnly, firstToken, secondToken];
      for (const value of values) {
        for (const form of [value, Buffer.from(value).toString('base64')]) {
          assert.ok(!seen[0]!.includes(form), `an API answer or job log holds ${form}`);
          assert.ok(!seen[1]!.includes(form), `the database holds ${form} in plaintext`);
        }
      }
    });

    test('a Secret the API server rejects (stringData misspelt) leaves its value nowhere', async () => {
      const path = `k8s-secrets-${run}/${dialect}-misspelt`;
      const project = await kubeProject(t, rig, work.path, path);
      const namespace = `k8s-secrets-${run}-${dialect}-misspelt-production`;
      const value = secretValue('misspelt');
      const failed = await pushAndDeploy(t, project, {
        'k8s/app.yaml': appManifests({
          extra: `---
apiVersion: v1
kind: Secret
metadata:
  name: misspelt
stringdata:
  token: ${value}
`,
        }),
        '.gantry.yml': pipeline,
      });
      const log = await trace(t, project.id, failed.deployment.deployable!.id);
      assert.equal(failed.deployment.status, 'failed', log);
      assert.match(log, new RegExp(`ERROR: .*Secret ${namespace}/misspelt\\b.*stringdata`));
      const shown = await api('GET', `projects/${project.id}/deployments/${failed.deployment.id}`);
      for (const [where, text] of [
        ['the job log', log],
        ['the deployment API answer', JSON.stringify(shown.body)],
        ['the database', await databaseText()],
      ] as const) {
        for (const form of [value, Buffer.from(value).toString('base64')]) {
          assert.ok(!text.includes(form), `${where} holds the value of the rejected Secret (${form})`);
        }
      }
    });

    test('a Secret copied from `kubectl get -o yaml` keeps its values out of the snapshot', async () => {
      const path = `k8s-secrets-${run}/${dialect}-copied`;
      const project = await kubeProject(t, rig, work.path, path);
      const value = secretValue('copied');
      const encoded = Buffer.from(value).toString('base64');
      // kubectl apply (client-side) records the whole object, data included, in this annotation.
      const lastApplied = JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'copied' },
        data: { token: encoded },
      });
      const deployed = await pushAndDeploy(t, project, {
        'k8s/app.yaml': appManifests({
          extra: `---
apiVersion: v1
kind: Secret
metadata:
  name: copied
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '${lastApplied}'
data:
  token: ${encoded}
`,
        }),
        '.gantry.yml': pipeline,
      });
      assert.equal(
        deployed.deployment.status,
        'success',
        await trace(t, project.id, deployed.deployment.deployable!.id),
      );
      const shown = await api('GET', `projects/${project.id}/deployments/${deployed.deployment.id}`);
      for (const [where, text] of [
        ['the deployment API answer', JSON.stringify(shown.body)],
        ['the database', await databaseText()],
      ] as const) {
        for (const form of [value, encoded]) {
          assert.ok(!text.includes(form), `${where} holds the value of Secret copied (${form})`);
        }
      }
    });
  });
}
