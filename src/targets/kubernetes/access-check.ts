import type { KubeConfig } from '@kubernetes/client-node';
import { GantryError } from '../../domain/errors.ts';
import { apiServerUrl, credentialsNoun, kubeRequest } from './kube-connection.ts';
import { describeKubeError, isForbidden, isNotFound } from './kube-errors.ts';

/** What deploying into one namespace needs on one resource. */
export interface RequiredPermission {
  /** The API group: `apps`, `batch`, or `` for the core group. */
  group: string;
  resource: string;
  verbs: string[];
}

const MANAGE = ['get', 'list', 'watch', 'create', 'patch', 'delete'];
const OBSERVE = ['get', 'list', 'watch'];

/**
 * What Gantry needs in an environment's namespace: to apply (patch, which creates too), prune and
 * stop (delete) the usual workload and configuration kinds and watch them become healthy, and to
 * watch the pods and ReplicaSets behind the workloads. Kubernetes' built-in `edit` and `admin`
 * roles grant all of it. Kinds outside this list (CRDs, RBAC, Ingresses, …) are checked by the API
 * server when a manifest holds them; the dry run then names what is missing.
 */
export const DEPLOY_PERMISSIONS: RequiredPermission[] = [
  { group: 'apps', resource: 'deployments', verbs: MANAGE },
  { group: 'apps', resource: 'statefulsets', verbs: MANAGE },
  { group: 'apps', resource: 'daemonsets', verbs: MANAGE },
  { group: 'batch', resource: 'jobs', verbs: MANAGE },
  { group: '', resource: 'services', verbs: MANAGE },
  { group: '', resource: 'configmaps', verbs: MANAGE },
  { group: '', resource: 'secrets', verbs: MANAGE },
  { group: '', resource: 'persistentvolumeclaims', verbs: MANAGE },
  { group: '', resource: 'pods', verbs: OBSERVE },
  { group: 'apps', resource: 'replicasets', verbs: OBSERVE },
];

export interface AccessCheckOptions {
  /**
   * The one namespace deployments will go to. Absent (a target serving many environments, each
   * in a namespace of its own): the permissions are checked in all namespaces, and the
   * credentials must be allowed to create namespaces.
   */
  namespace?: string;
}

export interface AccessCheckResult {
  /** The cluster's version as `/version` reports it (`v1.36.2`). */
  serverVersion: string;
}

interface AccessReview {
  status?: { allowed?: boolean; denied?: boolean; reason?: string };
}

/**
 * Checks that a target can be deployed to before it is saved: the API answers over TLS with these
 * credentials (`GET /version`), and SelfSubjectAccessReviews grant {@link DEPLOY_PERMISSIONS} in
 * the namespace.
 *
 * The namespace itself: credentials that may create namespaces are fine whether it exists or not.
 * Others (a token bound to one namespace) need it to exist already; when they may not even read
 * namespaces, its existence cannot be told and it is assumed, as deploying does (ensureNamespace).
 * Without a namespace, creating namespaces is required.
 *
 * @throws GantryError `validation_failed` with one clear line: unreachable, TLS, 401, or the first
 *   missing permission ("the token may not patch deployments in namespace shop-production").
 */
export async function checkClusterAccess(
  kubeConfig: KubeConfig,
  options: AccessCheckOptions,
): Promise<AccessCheckResult> {
  const server = apiServerUrl(kubeConfig);
  const fail = (error: unknown, what: string) =>
    new GantryError('validation_failed', describeKubeError(error, what, server));
  const noun = credentialsNoun(kubeConfig);
  const { namespace } = options;

  const version = await kubeRequest<{ gitVersion?: string }>(kubeConfig, {
    method: 'GET',
    path: '/version',
  }).catch((error: unknown) => {
    throw fail(error, 'read the server version');
  });

  const review = async (attributes: Record<string, string>): Promise<AccessReview['status']> => {
    const { body } = await kubeRequest<AccessReview>(kubeConfig, {
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: attributes },
      },
    }).catch((error: unknown) => {
      throw fail(error, 'review its own permissions (SelfSubjectAccessReview)');
    });
    return body.status;
  };

  const mayCreateNamespaces = (await review({ verb: 'create', group: '', resource: 'namespaces' }))?.allowed;
  if (!mayCreateNamespaces) {
    if (namespace === undefined) {
      throw new GantryError(
        'validation_failed',
        `${noun} may not create namespaces, which a target for many environments needs (each gets a namespace of its own); give credentials that may, or limit the target to one environment and its namespace`,
      );
    }
    await requireNamespace(kubeConfig, namespace, noun, fail);
  }

  const checks = DEPLOY_PERMISSIONS.flatMap(({ group, resource, verbs }) =>
    verbs.map((verb) => ({ verb, group, resource })),
  );
  // About fifty small reviews at once: the API server admits hundreds of requests in flight.
  const statuses = await Promise.all(checks.map((check) => review({ ...check, namespace: namespace ?? '' })));
  const missing = checks.findIndex((_, index) => !statuses[index]?.allowed);
  if (missing !== -1) {
    const { verb, resource } = checks[missing]!;
    const reason = statuses[missing]?.reason;
    throw new GantryError(
      'validation_failed',
      `${noun} may not ${verb} ${resource} ${namespace === undefined ? 'in all namespaces' : `in namespace ${namespace}`}${reason ? ` (${reason})` : ''}`,
    );
  }
  return { serverVersion: version.body.gitVersion ?? 'unknown' };
}

async function requireNamespace(
  kubeConfig: KubeConfig,
  namespace: string,
  noun: string,
  fail: (error: unknown, what: string) => GantryError,
): Promise<void> {
  try {
    await kubeRequest(kubeConfig, {
      method: 'GET',
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}`,
    });
  } catch (error) {
    if (isNotFound(error)) {
      throw new GantryError(
        'validation_failed',
        `namespace ${namespace} does not exist and ${noun} may not create namespaces: create it, or use credentials that may`,
      );
    }
    if (!isForbidden(error)) throw fail(error, `read namespace ${namespace}`);
  }
}
