import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  type DeploymentView,
  deployment,
  deploymentEnds,
  deploymentsOf,
  type EnvironmentView,
  environmentNamed,
} from '../deployments/deployment-helpers.ts';
import type { KubeRigClient } from '../support/kube-rig.ts';
import { cloneProject, eventually, pushFiles } from '../support/pipeline-helpers.ts';
import type { TestServer } from '../support/test-server.ts';

// What the Kubernetes target's end-to-end tests share: a project with a Kubernetes target on the
// rig, pushes of manifests, and reads of deployments and of the cluster.

export interface KubeDeploymentView extends DeploymentView {
  snapshot: {
    kind: string;
    sha: string;
    namespace: string;
    inventory: { kind: string; name: string; namespace?: string }[];
    images: { container: string; image: string; digest: string | null }[];
    manifests: { kind: string; metadata: { name: string }; data?: Record<string, string> }[];
  } | null;
}

/**
 * A project whose target for every environment is the rig: its admin kubeconfig, or the
 * `kubernetes` settings given (a ServiceAccount token, another server URL).
 */
export async function kubeProject(
  t: TestServer,
  rig: KubeRigClient,
  work: string,
  path: string,
  kubernetes: Record<string, string> = { kubeconfig: readFileSync(rig.info.kubeconfigPath, 'utf8') },
): Promise<{ id: number; clone: string }> {
  const created = await t.api<{ id: number }>('POST', 'projects', { body: { path } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const target = await t.api('POST', `projects/${created.body.id}/targets`, {
    body: {
      name: 'rig',
      kind: 'kubernetes',
      kubernetes,
    },
  });
  assert.equal(target.status, 201, JSON.stringify(target.body));
  const clone = await cloneProject(t, path, join(work, path.replace(/\//g, '-')));
  return { id: created.body.id, clone };
}

/** The `.gantry.yml` of one `deploy:` job to `production`. */
export function deployPipeline(deploy: string, environment = 'production'): string {
  return [
    'deploy:',
    '  environment:',
    `    name: ${environment}`,
    '  deploy:',
    ...deploy
      .trim()
      .split('\n')
      .map((line) => `    ${line}`),
    '',
  ].join('\n');
}

/** A Deployment of two containers (`web`, `sidecar`), a Service, a ConfigMap and a claim. */
export function appManifests(options: { sidecar?: string; replicas?: number; extra?: string } = {}): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  greeting: hello
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 1Gi } }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${options.replicas ?? 2}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: web
          volumeMounts: [{ name: data, mountPath: /data }]
        - name: sidecar
          image: ${options.sidecar ?? 'registry.local/shop/sidecar:1'}
      volumes:
        - name: data
          persistentVolumeClaim: { claimName: data }
${options.extra ?? ''}`;
}

/** Pushes files and waits for the deployment of the push's pipeline to end. */
export async function pushAndDeploy(
  t: TestServer,
  project: { id: number; clone: string },
  files: Record<string, string>,
): Promise<{ sha: string; deployment: KubeDeploymentView }> {
  const before = new Set((await deploymentsOf(t, project.id)).map((d) => d.id));
  for (const name of Object.keys(files)) mkdirSync(dirname(join(project.clone, name)), { recursive: true });
  const sha = await pushFiles(project.clone, files);
  const created = await eventually(
    async () => (await deploymentsOf(t, project.id)).find((d) => d.sha === sha && !before.has(d.id)),
    () => `no deployment for ${sha}`,
  );
  const ended = await deploymentEnds(t, project.id, created.id);
  return { sha, deployment: (await deployment(t, project.id, ended.id)) as KubeDeploymentView };
}

export async function productionOf(t: TestServer, projectId: number): Promise<EnvironmentView> {
  return environmentNamed(t, projectId, 'production');
}

/** The containers' images of a live Deployment, by container name. */
export async function liveImages(
  rig: KubeRigClient,
  namespace: string,
  name: string,
): Promise<Record<string, string>> {
  const live = await rig.apps.readNamespacedDeployment({ namespace, name });
  return Object.fromEntries((live.spec?.template.spec?.containers ?? []).map((c) => [c.name, c.image ?? '']));
}

/** Whether an object exists (false on 404). */
export async function exists(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return false;
    throw error;
  }
}
