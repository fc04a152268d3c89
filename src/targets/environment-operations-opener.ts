import type { SecretBox } from '../secrets/secret-box.ts';
import type { OperableDeployment } from '../services/environment-operations-access.ts';
import type { EnvironmentOperations } from './environment-operations.ts';
import { openKubernetesOperations } from './kubernetes/environment-operations.ts';
import { ENVIRONMENT_LABEL, PROJECT_LABEL } from './kubernetes/gantry-metadata.ts';
import { connectTarget } from './kubernetes/target-connection.ts';
import { openPodmanOperations } from './podman/environment-operations.ts';
import type { PodmanAccess } from './podman/podman-connection.ts';

/**
 * Opens the operations of a deployment's target kind: Kubernetes reads the pods labelled as the
 * environment's in the deployment's namespace; Podman the pods named with its prefix.
 */
export function environmentOperationsOpener(deps: {
  secrets: SecretBox;
  podman: PodmanAccess;
}): (deployment: OperableDeployment) => Promise<EnvironmentOperations> {
  return async ({ environment, snapshot, target }) => {
    if (snapshot.kind === 'kubernetes') {
      return openKubernetesOperations({
        kubeConfig: connectTarget(target, deps.secrets).kubeConfig,
        namespace: snapshot.namespace,
        selector: {
          [PROJECT_LABEL]: String(environment.project_id),
          [ENVIRONMENT_LABEL]: environment.slug,
        },
      });
    }
    return openPodmanOperations({
      target,
      podman: deps.podman,
      namePrefix: snapshot.namePrefix,
      projectId: environment.project_id,
      ports: snapshot.ports,
    });
  };
}
