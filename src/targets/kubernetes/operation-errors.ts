import { GantryError } from '../../domain/errors.ts';
import { classifyKubeError, describeKubeError, kubeFailure } from './kube-errors.ts';

/** The RBAC permissions a request needs: `get` on `pods/log`; `get` and `create` on `pods/exec`. */
export interface Permission {
  /** The verbs it needs; the last one is named when a refusal does not say which it lacked. */
  verbs: string[];
  resource: string;
}

/** Where the docs list the permissions the environment operations need. */
export const PERMISSIONS_DOC = 'docs/kubernetes.md, "Logs, shell and resource use"';

/**
 * The GantryError for a failed logs, exec or metrics request. The target refusing (403, or 401 for
 * its credentials) is `unavailable`, as the target cannot do it, and a 403 names the permission that
 * was refused and those to grant; an unknown pod or container is `not_found`; a request the
 * container's state rules out (400: not started yet, no previous instance) is `conflict`; an
 * unreachable cluster is `unavailable` naming the API server. A GantryError passes through.
 *
 * @param what the request as a verb phrase: `read the log of web-5f7c/web`.
 */
export function operationFailure(
  error: unknown,
  options: { what: string; permission: Permission; namespace: string; server: string },
): GantryError {
  if (error instanceof GantryError) return error;
  const { what, permission, namespace, server } = options;
  const classified = classifyKubeError(error);
  const { kind } = classified;
  // A refusal of the WebSocket exec's extra check ends in "is forbidden: " and no reason.
  const detail = classified.detail.replace(/[:\s]+$/, '');
  switch (kind) {
    case 'forbidden': {
      const lacking = lackingPermission(detail) ?? {
        verb: permission.verbs.at(-1),
        resource: permission.resource,
      };
      const grant = `${permission.verbs.map((verb) => `"${verb}"`).join(' and ')} on "${permission.resource}"`;
      return new GantryError(
        'unavailable',
        `cannot ${what}: the Kubernetes target's credentials may not ${lacking.verb} ${lacking.resource} in namespace ${namespace} (403 Forbidden); grant them ${grant} (${PERMISSIONS_DOC})${detail ? `. The API server said: ${detail}` : ''}`,
      );
    }
    case 'unauthorized':
      return new GantryError('unavailable', describeKubeError(error, what, server));
    case 'invalid':
      return new GantryError('conflict', describeKubeError(error, what, server));
    default:
      return kubeFailure(error, what, server);
  }
}

/**
 * The verb and resource a 403's message says were refused (`… cannot get resource "pods/exec" in API
 * group "" …`), the resource with its group (`pods.metrics.k8s.io`). Undefined when the message does
 * not say: the API server's extra `create` check of a WebSocket exec has no such words.
 */
export function lackingPermission(message: string): { verb: string; resource: string } | undefined {
  const match = /cannot (\w+) resource "([^"]+)"(?: in API group "([^"]*)")?/.exec(message);
  if (!match) return undefined;
  const [, verb = '', resource = '', group = ''] = match;
  return { verb, resource: group ? `${resource}.${group}` : resource };
}
