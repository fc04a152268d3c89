import type { KubeConfig } from '@kubernetes/client-node';
import { GantryError } from '../../domain/errors.ts';
import { type Difference, objectDifferences } from './drift-differences.ts';
import { apiServerUrl, kubeRequest } from './kube-connection.ts';
import { classifyKubeError, describeKubeError, isNotFound } from './kube-errors.ts';
import { describeRef, FIELD_MANAGER, type KubeObject, refOf } from './kube-object.ts';
import { resourceCatalog, resourcePath } from './resource-catalog.ts';

/** How one applied object compares with the cluster. */
export interface DriftedObject {
  api_version: string;
  kind: string;
  name: string;
  /** Null for cluster-scoped objects. */
  namespace: string | null;
  /**
   * `in_sync`: applying the manifest again would change nothing; `modified`: it would change the
   * fields in `differences` (or the API server refuses it, see `message`); `missing`: the object,
   * or its kind, is gone.
   */
  state: 'in_sync' | 'modified' | 'missing';
  differences: Difference[];
  /** Why the state is what it is, when the differences alone do not say. */
  message: string | null;
}

export interface DriftReport {
  drifted: boolean;
  /** When the cluster was read (ISO 8601). */
  checked_at: string;
  /** In the order of the manifests. */
  objects: DriftedObject[];
}

export interface DriftCheckOptions {
  kubeConfig: KubeConfig;
  /** The objects the deployment applied, complete (Secret values restored), namespaces filled in. */
  manifests: readonly KubeObject[];
  /** Requests in flight at once; 8 unless given. */
  concurrency?: number;
  now?: () => Date;
}

/**
 * Compares what a deployment applied with the cluster, counting only the fields Gantry applies:
 * each manifest is applied again as a server-side apply dry run (field manager `gantry`, conflicts
 * forced, as the deployer applies it) and the result compared with the live object. The dry run
 * leaves fields other managers own as they are and adds the defaults the API server would add, so
 * a difference is exactly what a re-deploy would change back. Nothing is changed.
 *
 * @throws GantryError('unavailable') when the cluster cannot be read (unreachable, credentials
 *   refused, server errors), naming the object.
 */
export async function checkDrift(options: DriftCheckOptions): Promise<DriftReport> {
  const { kubeConfig, manifests } = options;
  const checkedAt = (options.now ?? (() => new Date()))().toISOString();
  const objects: DriftedObject[] = new Array(manifests.length);
  let next = 0;
  const worker = async () => {
    while (next < manifests.length) {
      const index = next++;
      objects[index] = await checkObject(kubeConfig, manifests[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, manifests.length) }, worker));
  return { drifted: objects.some((object) => object.state !== 'in_sync'), checked_at: checkedAt, objects };
}

async function checkObject(kubeConfig: KubeConfig, manifest: KubeObject): Promise<DriftedObject> {
  const ref = refOf(manifest);
  const result = (
    state: DriftedObject['state'],
    differences: Difference[] = [],
    message: string | null = null,
  ) => ({
    api_version: ref.apiVersion,
    kind: ref.kind,
    name: ref.name,
    namespace: ref.namespace ?? null,
    state,
    differences,
    message,
  });
  const server = apiServerUrl(kubeConfig);
  const unavailable = (error: unknown, what: string) =>
    new GantryError('unavailable', describeKubeError(error, what, server));
  const info = await resourceCatalog(kubeConfig)
    .find(ref.apiVersion, ref.kind)
    .catch((error: unknown) => {
      throw unavailable(error, `discover kind ${ref.kind} in ${ref.apiVersion}`);
    });
  if (!info)
    return result('missing', [], `kind ${ref.kind} in ${ref.apiVersion} is no longer served by the cluster`);
  const path = resourcePath(ref.apiVersion, info, ref);
  let live: KubeObject;
  try {
    live = (await kubeRequest<KubeObject>(kubeConfig, { method: 'GET', path })).body;
  } catch (error) {
    if (isNotFound(error)) return result('missing');
    throw unavailable(error, `read ${describeRef(ref)}`);
  }
  let reapplied: KubeObject;
  try {
    reapplied = (await applyDryRun(kubeConfig, path, manifest)).body;
  } catch (error) {
    // The live object cannot take the manifest any more (an immutable field changed, a rule the
    // API server now enforces): that is drift a re-deploy would stumble on, not a failure to read.
    const { kind } = classifyKubeError(error);
    if (kind === 'invalid' || kind === 'conflict') {
      return result('modified', [], describeKubeError(error, `apply ${describeRef(ref)} again`, server));
    }
    if (isNotFound(error)) return result('missing');
    throw unavailable(error, `dry-run apply ${describeRef(ref)}`);
  }
  const differences = objectDifferences(reapplied, live);
  return result(differences.length === 0 ? 'in_sync' : 'modified', differences);
}

function applyDryRun(kubeConfig: KubeConfig, path: string, manifest: KubeObject) {
  return kubeRequest<KubeObject>(kubeConfig, {
    method: 'PATCH',
    path,
    query: { fieldManager: FIELD_MANAGER, force: 'true', dryRun: 'All' },
    contentType: 'application/apply-patch+yaml',
    body: manifest,
  });
}
