import { stringify } from 'yaml';

/** The name of the cluster, user and context in the rig's kubeconfig files. */
export const RIG_CONTEXT = 'gantry-kube-rig';

export interface KubeconfigInput {
  server: string;
  caPem: string;
  /** A client certificate and key, or a bearer token. */
  credentials: { certPem: string; keyPem: string } | { token: string };
  namespace?: string;
}

/**
 * A self-contained kubeconfig (certificates embedded, not referenced by path), so it can be copied or
 * handed to kubectl, helm and the client library alike.
 */
export function kubeconfigYaml(input: KubeconfigInput): string {
  const base64 = (pem: string) => Buffer.from(pem).toString('base64');
  const user =
    'token' in input.credentials
      ? { token: input.credentials.token }
      : {
          'client-certificate-data': base64(input.credentials.certPem),
          'client-key-data': base64(input.credentials.keyPem),
        };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: RIG_CONTEXT,
        cluster: { server: input.server, 'certificate-authority-data': base64(input.caPem) },
      },
    ],
    users: [{ name: RIG_CONTEXT, user }],
    contexts: [
      {
        name: RIG_CONTEXT,
        context: {
          cluster: RIG_CONTEXT,
          user: RIG_CONTEXT,
          ...(input.namespace ? { namespace: input.namespace } : {}),
        },
      },
    ],
    'current-context': RIG_CONTEXT,
  });
}
