import { checkClusterAccess } from './access-check.ts';
import { apiServerUrl } from './kube-connection.ts';
import type { KubernetesCheck } from './kubernetes-settings.ts';
import { kubeConfigFor } from './target-connection.ts';

/**
 * The check a Kubernetes target passes on every save: its settings build a client configuration,
 * the cluster answers over TLS, and the credentials hold the permissions deploying needs (in the
 * namespace when the scope names one environment, cluster-wide otherwise).
 */
export const checkKubernetesTarget: KubernetesCheck = async (config, credentials, namespace) => {
  const kubeConfig = kubeConfigFor(config, credentials);
  const { serverVersion } = await checkClusterAccess(kubeConfig, namespace === null ? {} : { namespace });
  return { apiUrl: apiServerUrl(kubeConfig), serverVersion };
};
