import type { KubeConfig } from '@kubernetes/client-node';
import { apiServerUrl, kubeRequest } from './kube-connection.ts';
import { isForbidden, isNotFound, kubeFailure } from './kube-errors.ts';
import { FIELD_MANAGER } from './kube-object.ts';

/**
 * What {@link ensureNamespace} found: `created`; `existing`; or `unverified` when the credentials
 * may neither read nor create namespaces (a namespace-scoped token), so it is assumed to exist.
 */
export type NamespaceOutcome = 'created' | 'existing' | 'unverified';

/**
 * Makes sure a namespace exists before anything is applied into it. An existing namespace is left
 * untouched (someone else may own it and its labels); a missing one is created by server-side apply,
 * labelled `app.kubernetes.io/managed-by: gantry`.
 *
 * A token bound to one namespace can usually neither read nor create namespaces: when both are
 * refused the namespace is assumed to exist, and if it does not, the first apply into it fails
 * with the API's "namespaces … not found", which names it.
 *
 * @throws GantryError with the API's message when the namespace cannot be read or created.
 */
export async function ensureNamespace(kubeConfig: KubeConfig, name: string): Promise<NamespaceOutcome> {
  const path = `/api/v1/namespaces/${encodeURIComponent(name)}`;
  const server = apiServerUrl(kubeConfig);
  let readForbidden = false;
  try {
    await kubeRequest(kubeConfig, { method: 'GET', path });
    return 'existing';
  } catch (error) {
    if (isForbidden(error)) readForbidden = true;
    else if (!isNotFound(error)) throw kubeFailure(error, `read namespace ${name}`, server);
  }
  try {
    const { status } = await kubeRequest(kubeConfig, {
      method: 'PATCH',
      path,
      query: { fieldManager: FIELD_MANAGER, force: 'true' },
      contentType: 'application/apply-patch+yaml',
      body: {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels: { 'app.kubernetes.io/managed-by': FIELD_MANAGER } },
      },
    });
    return status === 201 ? 'created' : 'existing';
  } catch (error) {
    if (readForbidden && isForbidden(error)) return 'unverified';
    throw kubeFailure(error, `create namespace ${name}`, server);
  }
}
