import { KubeConfig } from '@kubernetes/client-node';
import { isNamespaceName, renderNamespace } from '../../domain/kubernetes-namespace.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { TargetRow } from '../../store/repositories/target-repository.ts';
import { targetSecretContext } from '../../webhooks/webhook-secrets.ts';
import { kubeConfigFromSettings } from './kube-connection.ts';
import {
  type KubernetesConfig,
  type KubernetesCredentials,
  parseKubernetesConfig,
  parseKubernetesCredentials,
} from './kubernetes-settings.ts';

/** A Kubernetes target ready to use: its settings and a client configuration with its credentials. */
export interface TargetConnection {
  config: KubernetesConfig;
  credentials: KubernetesCredentials;
  kubeConfig: KubeConfig;
}

/** Builds the client configuration from a target's settings and credentials (checked, not dialled). */
export function kubeConfigFor(config: KubernetesConfig, credentials: KubernetesCredentials): KubeConfig {
  return 'kubeconfig' in credentials
    ? kubeConfigFromSettings({ kubeconfig: credentials.kubeconfig })
    : kubeConfigFromSettings({
        api_url: config.api_url,
        token: credentials.token,
        ...(config.ca_pem ? { ca_pem: config.ca_pem } : {}),
      });
}

/** Decrypts a stored Kubernetes target's credentials and builds its connection. */
export function connectTarget(row: TargetRow, secrets: SecretBox): TargetConnection {
  if (row.kind !== 'kubernetes') throw new Error(`target ${row.name} is of kind ${row.kind}, not kubernetes`);
  if (row.secret_encrypted === null) throw new Error(`target ${row.name} has no credentials`);
  const config = parseKubernetesConfig(row.config);
  const credentials = parseKubernetesCredentials(
    secrets.decrypt(row.secret_encrypted, targetSecretContext(row.id)),
  );
  return { config, credentials, kubeConfig: kubeConfigFor(config, credentials) };
}

/**
 * The namespace an environment deploys to: the job's `environment:kubernetes:namespace` when it
 * names one (GitLab's keyword), else the target's namespace template.
 */
export function environmentNamespace(
  config: KubernetesConfig,
  project: { id: number; path: string },
  environmentSlug: string,
  explicit: string | null,
): string {
  if (explicit !== null) {
    if (!isNamespaceName(explicit)) {
      throw new Error(
        `environment:kubernetes:namespace "${explicit}" is not a namespace name (lowercase letters, digits and -, at most 63)`,
      );
    }
    return explicit;
  }
  return renderNamespace(config.namespace_template, {
    projectId: project.id,
    projectPath: project.path,
    environmentSlug,
  });
}

/**
 * A kubeconfig for a `script:` job: the target's cluster and credentials only (one context), its
 * namespace set to the environment's, so `kubectl` and `helm` in the job act there by default.
 */
export function scriptKubeconfig(kubeConfig: KubeConfig, namespace: string): string {
  const cluster = kubeConfig.getCurrentCluster();
  const user = kubeConfig.getCurrentUser();
  if (!cluster || !user) throw new Error('the target has no current cluster and user');
  const scoped = new KubeConfig();
  scoped.loadFromOptions({
    clusters: [{ ...cluster, name: 'gantry' }],
    users: [{ ...user, name: 'gantry' }],
    contexts: [{ name: 'gantry', cluster: 'gantry', user: 'gantry', namespace }],
    currentContext: 'gantry',
  });
  return scoped.exportConfig();
}
