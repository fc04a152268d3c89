import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { SecretBox } from '../../src/secrets/secret-box.ts';
import { loadOrCreateKeyFile } from '../../src/secrets/secret-key-source.ts';
import { targetSecretContext } from '../../src/webhooks/webhook-secrets.ts';
import { closedLoopbackPort, untilTokenRefused } from '../kubernetes/kube-fault-helpers.ts';
import {
  deployPipeline,
  type KubeDeploymentView,
  pushAndDeploy,
} from '../kubernetes/kubernetes-deploy-helpers.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { scratchDir } from '../support/git-work-tree.ts';
import {
  freshNamespace,
  type KubeRigClient,
  kubeRigSuiteOptions,
  serviceAccountToken,
  useKubeRig,
} from '../support/kube-rig.ts';
import { cloneProject, trace } from '../support/pipeline-helpers.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// Registering Kubernetes targets over the API against the rig: the cluster is checked on every save
// (reachable, credentials accepted, permissions to deploy), refused settings store nothing and say
// what is wrong, credentials never leave the server and are encrypted at rest.

interface KubernetesTarget {
  id: number;
  name: string;
  kind: string;
  environment_scope: string;
  kubernetes: { api_url: string; auth: string; namespace_template: string; server_version: string | null };
}
interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ path: string; message: string }> };
}

const run = randomBytes(2).toString('hex');

for (const dialect of DIALECTS) {
  describe(`Kubernetes targets API on ${dialect}`, {
    ...dialectSuiteOptions(dialect),
    ...kubeRigSuiteOptions(),
  }, () => {
    let t: TestServer;
    let rig: KubeRigClient;
    let adminKubeconfig: string;
    let counter = 0;

    before(async () => {
      rig = await useKubeRig();
      adminKubeconfig = readFileSync(rig.info.kubeconfigPath, 'utf8');
      t = await startTestServer(dialect);
    });
    after(() => t?.stop());

    async function project(): Promise<{ id: number; path: string }> {
      const path = `k8s-targets-${run}/${dialect}-${counter++}`;
      const created = await t.api<{ id: number }>('POST', 'projects', { body: { path } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return { id: created.body.id, path };
    }

    const register = (projectId: number, kubernetes: Record<string, unknown>, environment_scope = '*') =>
      t.api<KubernetesTarget & ErrorBody>('POST', `projects/${projectId}/targets`, {
        body: { name: `rig-${counter++}`, kind: 'kubernetes', environment_scope, kubernetes },
      });

    const storedRows = (projectId: number) =>
      t.server.store.db.selectFrom('targets').selectAll().where('project_id', '=', projectId).execute();

    /** Registering is refused with `status` and a message matching `message`; nothing is stored. */
    async function refused(
      kubernetes: Record<string, unknown>,
      message: RegExp,
      options: { status?: number; scope?: string } = {},
    ): Promise<ErrorBody['error']> {
      const { id } = await project();
      const answer = await register(id, kubernetes, options.scope);
      assert.equal(answer.status, options.status ?? 400, JSON.stringify(answer.body));
      assert.match(answer.body.error.message, message);
      assert.deepEqual(await storedRows(id), [], 'nothing is stored');
      assert.deepEqual((await t.api('GET', `projects/${id}/targets`)).body, []);
      return answer.body.error;
    }

    const box = () => new SecretBox(loadOrCreateKeyFile(join(t.dataDir, 'secret.key')));

    test('the admin kubeconfig: 201 with the server version, no credentials shown', async () => {
      const { id } = await project();
      const created = await register(id, { kubeconfig: adminKubeconfig });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(created.body.kubernetes, {
        api_url: rig.info.server,
        auth: 'kubeconfig',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: GitLab's ${VAR} syntax
        namespace_template: '${CI_PROJECT_PATH_SLUG}-${CI_ENVIRONMENT_SLUG}',
        server_version: rig.info.versions.kubernetes,
      });
      const instance = await t.api<KubernetesTarget>('POST', 'targets', {
        body: {
          name: `instance-rig-${dialect}-${run}`,
          kind: 'kubernetes',
          kubernetes: { kubeconfig: adminKubeconfig },
        },
      });
      assert.equal(instance.status, 201, JSON.stringify(instance.body));
      assert.equal(instance.body.kubernetes.server_version, rig.info.versions.kubernetes);

      const user = (parse(adminKubeconfig) as { users: Array<{ user: Record<string, string> }> }).users[0]!
        .user;
      const answers = [
        created.body,
        instance.body,
        (await t.api('GET', `projects/${id}/targets`)).body,
        (await t.api('GET', `projects/${id}/targets/${created.body.id}`)).body,
        (await t.api('GET', 'targets')).body,
        (await t.api('GET', `targets/${instance.body.id}`)).body,
      ].map((body) => JSON.stringify(body));
      for (const answer of answers) {
        assert.ok(!answer.includes(user['client-key-data']!), 'no client key in an answer');
        assert.ok(!answer.includes(user['client-certificate-data']!), 'no client certificate in an answer');
        assert.ok(!answer.includes('"kubeconfig":'), 'no kubeconfig field in an answer');
      }
      await t.api('DELETE', `targets/${instance.body.id}`);
    });

    test('a bad kubeconfig is refused saying why: not YAML, no current-context, an exec plugin', async () => {
      const error = await refused({ kubeconfig: 'clusters: [ {name: x\n' }, /^kubeconfig: not valid YAML/);
      assert.equal(error.details?.[0]?.path, '/kubeconfig');
      await refused(
        { kubeconfig: adminKubeconfig.replace(/^current-context: .*$/m, '') },
        /^kubeconfig: no current-context: set current-context to the context Gantry should use$/,
      );
      const withExec = parse(adminKubeconfig) as { users: Array<{ name: string; user: unknown }> };
      withExec.users[0]!.user = {
        exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'sh', args: ['-c', 'id'] },
      };
      await refused(
        { kubeconfig: stringify(withExec) },
        /^kubeconfig: user "[^"]+" exec: it runs a local command \(an exec credential plugin\)/,
      );
    });

    test('an unreachable cluster (a closed loopback port): "cannot reach"', async () => {
      const url = `https://127.0.0.1:${await closedLoopbackPort()}`;
      await refused(
        { api_url: url, ca_pem: rig.info.caPem, token: 'any-token' },
        new RegExp(`^cannot reach the Kubernetes API at ${url}: connection refused$`),
      );
    });

    test('a revoked token: the cluster refuses the credentials (401)', async () => {
      const home = await freshNamespace(rig, `targets-revoked-${dialect}`);
      const account = await serviceAccountToken(rig, {
        namespace: home,
        name: 'revoked',
        clusterRole: 'cluster-admin',
      });
      await account.revoke();
      await untilTokenRefused(rig, account.token);
      await refused(
        { api_url: rig.info.server, ca_pem: rig.info.caPem, token: account.token },
        /^the cluster refused the credentials \(401 Unauthorized\): the token or certificate is invalid or revoked$/,
      );
    });

    test('a token without RBAC: the missing permission is named', async () => {
      const home = await freshNamespace(rig, `targets-nobody-${dialect}`);
      const account = await serviceAccountToken(rig, { namespace: home, name: 'nobody' });
      const settings = { api_url: rig.info.server, ca_pem: rig.info.caPem, token: account.token };
      await refused(
        settings,
        /^the token may not create namespaces, which a target for many environments needs/,
      );
      // A target for one environment: its namespace (assumed to exist, as the token may not read it).
      const { id, path } = await project();
      const answer = await register(id, settings, 'production');
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      const namespace = `${path.replace(/\//g, '-')}-production`;
      assert.equal(answer.body.error.message, `the token may not get deployments in namespace ${namespace}`);
      assert.deepEqual(await storedRows(id), []);
    });

    test('api_url must be https://', async () => {
      const error = await refused(
        {
          api_url: rig.info.server.replace('https://', 'http://'),
          ca_pem: rig.info.caPem,
          token: 'any-token',
        },
        /api_url must be an https:\/\/ URL/,
      );
      assert.equal(error.details?.[0]?.path, '/kubernetes/api_url');
    });

    test('credentials are encrypted at rest; an update of the namespace template keeps them', async () => {
      const home = await freshNamespace(rig, `targets-stored-${dialect}`);
      const account = await serviceAccountToken(rig, {
        namespace: home,
        name: 'deployer',
        clusterRole: 'cluster-admin',
      });
      const { id } = await project();
      const created = await register(id, {
        api_url: rig.info.server,
        ca_pem: rig.info.caPem,
        token: account.token,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.kubernetes.auth, 'token');
      assert.ok(!JSON.stringify(created.body).includes(account.token), 'the token is not shown');
      const [row] = await storedRows(id);
      assert.ok(row?.secret_encrypted, 'the credentials are stored');
      const raw = JSON.stringify(row);
      assert.ok(!raw.includes(account.token), 'the raw row holds no token text');
      assert.ok(!raw.includes(account.token.slice(0, 40)), 'nor any large part of it');
      assert.deepEqual(JSON.parse(box().decrypt(row.secret_encrypted, targetSecretContext(row.id))), {
        token: account.token,
      });

      // biome-ignore lint/suspicious/noTemplateCurlyInString: GitLab's ${VAR} syntax
      const template = 'apps-${CI_ENVIRONMENT_SLUG}';
      const updated = await t.api<KubernetesTarget & ErrorBody>(
        'PUT',
        `projects/${id}/targets/${created.body.id}`,
        {
          body: { kubernetes: { namespace_template: template } },
        },
      );
      assert.equal(updated.status, 200, JSON.stringify(updated.body));
      assert.deepEqual(updated.body.kubernetes, {
        api_url: rig.info.server,
        auth: 'token',
        namespace_template: template,
        server_version: rig.info.versions.kubernetes,
      });
      const [after] = await storedRows(id);
      assert.deepEqual(JSON.parse(box().decrypt(after!.secret_encrypted!, targetSecretContext(after!.id))), {
        token: account.token,
      });
      assert.ok(!JSON.stringify(after).includes(account.token));

      // Credentials the cluster refuses are not saved: the stored ones stay.
      const bad = await t.api<ErrorBody>('PUT', `projects/${id}/targets/${created.body.id}`, {
        body: { kubernetes: { token: 'not-a-valid-token' } },
      });
      assert.equal(bad.status, 400, JSON.stringify(bad.body));
      assert.match(bad.body.error.message, /^the cluster refused the credentials \(401 Unauthorized\)/);
      const [kept] = await storedRows(id);
      assert.deepEqual(JSON.parse(box().decrypt(kept!.secret_encrypted!, targetSecretContext(kept!.id))), {
        token: account.token,
      });
      assert.equal(JSON.parse(kept!.config).namespace_template, template);

      // The kubeconfig of a kubeconfig target is no more visible in its row.
      const kubeconfigTarget = await register(id, { kubeconfig: adminKubeconfig });
      assert.equal(kubeconfigTarget.status, 201, JSON.stringify(kubeconfigTarget.body));
      const user = (parse(adminKubeconfig) as { users: Array<{ user: Record<string, string> }> }).users[0]!
        .user;
      const rows = JSON.stringify(await storedRows(id));
      assert.ok(!rows.includes(user['client-key-data']!), 'no client key in the rows');
      assert.ok(!rows.includes('client-key-data'), 'no kubeconfig text in the rows');
    });

    test('the namespace template names the namespace deployments go to', async () => {
      const { id, path } = await project();
      const template = `tpl-${run}-${dialect}-\${CI_PROJECT_ID}-\${CI_ENVIRONMENT_SLUG}`;
      const created = await register(id, { kubeconfig: adminKubeconfig, namespace_template: template });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.kubernetes.namespace_template, template);
      const work = await scratchDir();
      try {
        const clone = await cloneProject(t, path, join(work.path, 'clone'));
        const { deployment } = await pushAndDeploy(
          t,
          { id, clone },
          {
            'k8s.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: templated\ndata: { a: b }\n',
            '.gantry.yml': deployPipeline('manifests: k8s.yaml\ntimeout: 60s'),
          },
        );
        const view = deployment as KubeDeploymentView;
        assert.equal(view.status, 'success', await trace(t, id, view.deployable!.id));
        const namespace = `tpl-${run}-${dialect}-${id}-production`;
        assert.equal(view.snapshot?.namespace, namespace);
        const live = await rig.core.readNamespacedConfigMap({ namespace, name: 'templated' });
        assert.equal(live.data?.a, 'b');
      } finally {
        await work.cleanup();
      }
    });
  });
}
