import type { KubernetesSnapshot } from '../../domain/deployment-snapshot.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { TargetRow } from '../../store/repositories/target-repository.ts';
import { deletionSteps } from './apply-order.ts';
import { deleteObjects } from './prune.ts';
import { connectTarget } from './target-connection.ts';

/**
 * Takes down a Kubernetes deployment (the teardown step of `TargetTeardown`): deletes, by the
 * inventory of its snapshot, everything it applied (workloads first, namespaces last). Claims
 * bound by StatefulSets are not in the inventory and stay, as `kubectl delete` leaves them.
 */
export async function deleteKubernetesDeployment(
  target: TargetRow,
  snapshot: KubernetesSnapshot,
  secrets: SecretBox,
): Promise<void> {
  const { kubeConfig } = connectTarget(target, secrets);
  await deleteObjects(
    kubeConfig,
    deletionSteps(snapshot.inventory).flatMap((step) => step.items),
  );
}
