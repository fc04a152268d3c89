import { type DeploymentSnapshot, parseSnapshot } from '../domain/deployment-snapshot.ts';
import type { DeploymentRepository, DeploymentRow } from '../store/repositories/deployment-repository.ts';
import type { EnvironmentRow } from '../store/repositories/environment-repository.ts';

type SnapshotKind = DeploymentSnapshot['kind'];
type SnapshotOf<K extends SnapshotKind> = Extract<DeploymentSnapshot, { kind: K }>;
type Deployments = Pick<DeploymentRepository, 'findById'>;

/** A deployment and its snapshot, when that snapshot is of `kind` (one the target itself recorded). */
export async function findSnapshot<K extends SnapshotKind>(
  deployments: Deployments,
  id: number,
  kind: K,
): Promise<{ row: DeploymentRow; snapshot: SnapshotOf<K> } | null> {
  const row = await deployments.findById(id);
  const snapshot = parseSnapshot(row?.snapshot ?? null);
  return row && snapshot?.kind === kind ? { row, snapshot: snapshot as SnapshotOf<K> } : null;
}

/**
 * What an environment runs now, as far as one target kind knows: its last successful deployment's
 * snapshot when that is of `kind`; null when there is none, or when it is the deployment `self`
 * under way (a retried job), which replaces nothing.
 */
export async function runningSnapshot<K extends SnapshotKind>(
  deployments: Deployments,
  environment: EnvironmentRow,
  self: number,
  kind: K,
): Promise<SnapshotOf<K> | null> {
  const id = environment.last_success_deployment_id;
  if (id === null || id === self) return null;
  return (await findSnapshot(deployments, id, kind))?.snapshot ?? null;
}
