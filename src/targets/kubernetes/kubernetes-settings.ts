import { DEFAULT_NAMESPACE_TEMPLATE } from '../../domain/kubernetes-namespace.ts';

/**
 * How a Kubernetes target reaches its cluster, as an administrator or maintainer registers it:
 * a whole kubeconfig, or an API URL with a bearer token (and the cluster's CA). The kubeconfig and
 * the token are the secret part, stored encrypted; the rest is shown by the API.
 */
export interface KubernetesSettingsInput {
  kubeconfig?: string;
  api_url?: string;
  ca_pem?: string | null;
  token?: string;
  namespace_template?: string;
}

/** The non-secret settings kept in `targets.config` (JSON). */
export interface KubernetesConfig {
  auth: 'kubeconfig' | 'token';
  /** The API server: given, or read from the kubeconfig's current context (for display). */
  api_url: string;
  ca_pem: string | null;
  namespace_template: string;
  /** What the cluster reported when the target was last checked (on save). */
  server_version: string | null;
}

/** The secret settings kept encrypted in `targets.secret_encrypted` (JSON). */
export type KubernetesCredentials = { kubeconfig: string } | { token: string };

/**
 * Checks that a cluster answers and the credentials may deploy (on every save of a Kubernetes
 * target), returning what the cluster reported; throws a GantryError saying what is wrong.
 */
export type KubernetesCheck = (
  config: KubernetesConfig,
  credentials: KubernetesCredentials,
  namespace: string | null,
) => Promise<{ apiUrl: string; serverVersion: string }>;

/** Reads a stored Kubernetes target configuration; throws when it is not one. */
export function parseKubernetesConfig(json: string): KubernetesConfig {
  const value = JSON.parse(json) as Partial<KubernetesConfig>;
  if ((value.auth !== 'kubeconfig' && value.auth !== 'token') || typeof value.api_url !== 'string') {
    throw new Error('the target configuration is not a Kubernetes one');
  }
  return {
    auth: value.auth,
    api_url: value.api_url,
    ca_pem: value.ca_pem ?? null,
    namespace_template: value.namespace_template ?? DEFAULT_NAMESPACE_TEMPLATE,
    server_version: value.server_version ?? null,
  };
}

/** Reads decrypted credentials; throws when they are neither a kubeconfig nor a token. */
export function parseKubernetesCredentials(json: string): KubernetesCredentials {
  const value = JSON.parse(json) as { kubeconfig?: unknown; token?: unknown };
  if (typeof value.kubeconfig === 'string') return { kubeconfig: value.kubeconfig };
  if (typeof value.token === 'string') return { token: value.token };
  throw new Error('the target credentials are neither a kubeconfig nor a token');
}
