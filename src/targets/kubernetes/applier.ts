import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { GantryError } from '../../domain/errors.ts';
import { ensureNamespace } from './ensure-namespace.ts';
import { apiServerUrl, kubeRequest, METADATA_ONLY } from './kube-connection.ts';
import { kubeFailure } from './kube-errors.ts';
import { describeRef, FIELD_MANAGER, type KubeObject, type ObjectRef, refKey } from './kube-object.ts';
import {
  CRD_API_VERSION,
  type CrdSpec,
  isCrd,
  kindsOfSet,
  resourceCatalog,
  resourcePath,
} from './resource-catalog.ts';

/** What applying did to one object. */
export type ApplyResult = 'created' | 'configured' | 'unchanged';

/**
 * Requests in flight within a step. The API server does the work; on a small control plane more
 * parallel requests keep it busy while the client waits on the others (bench/kubernetes.bench.ts).
 * Throttled requests (429) are retried by `kubeRequest`.
 */
export const DEFAULT_APPLY_CONCURRENCY = 48;

export interface ApplyOptions {
  kubeConfig: KubeConfig;
  /**
   * The objects in apply order (see apply-order.ts): a step starts when the previous one is done;
   * the objects of one step are applied in parallel.
   */
  steps: KubeObject[][];
  /**
   * Stop after the server-side dry run of the whole set: nothing is applied (namespaces aside), and
   * the objects the dry run could judge are returned (custom resources of the set's CRDs are not).
   */
  dryRun?: boolean;
  /** Called once per object as it is applied (not during the dry run). */
  onProgress?: (ref: ObjectRef, result: ApplyResult) => void;
  /** Requests in flight at once within a step; 16 unless given. */
  concurrency?: number;
  /** How long a CustomResourceDefinition of the set may take to be served; 60 s unless given. */
  crdTimeoutMs?: number;
  /** Cancels the apply between and during requests; its reason is thrown. */
  signal?: AbortSignal;
}

/** One object of the set with where the API serves it. */
interface Planned {
  object: KubeObject;
  ref: ObjectRef;
  path: string;
  /** Its kind is defined by a CRD of the same set, so it cannot be dry-run (see applyObjects). */
  deferred: boolean;
}

/**
 * Applies manifests by server-side apply (field manager `gantry`, conflicts forced, strict field
 * validation), all or nothing as far as the API server can tell beforehand:
 *
 * 1. every kind is looked up in API discovery; a kind the cluster does not serve and no CRD of the
 *    set defines is refused before anything changes;
 * 2. the namespaces the objects live in are created when missing — a namespaced dry run needs its
 *    namespace to exist, and creating an empty namespace is the one change made before the set is
 *    known to be accepted;
 * 3. the whole set is applied with `dryRun=All`, so an object the API rejects (invalid field value,
 *    unknown field, forbidden) fails the deployment with nothing applied. Custom resources whose
 *    CRD is part of the same set are skipped here: their kind is not served until that CRD has
 *    been applied, so the API could not judge them;
 * 4. the steps are applied in order, in parallel within a step; after a step holding CRDs, the
 *    next waits until the cluster serves their kinds.
 *
 * @returns the applied objects (or what they would be, with `dryRun`) in the order of the steps:
 *   apiVersion, kind and the metadata the server returned (uid, resourceVersion, managedFields…).
 *   Their spec and status are not read back.
 * @throws GantryError naming the object and the API's message. With several objects rejected by
 *   the dry run, the message names the first and `details` lists them all.
 */
export async function applyObjects(options: ApplyOptions): Promise<KubeObject[]> {
  const { kubeConfig, signal } = options;
  const concurrency = options.concurrency ?? DEFAULT_APPLY_CONCURRENCY;
  const plan = await planSteps(kubeConfig, options.steps);
  const all = plan.flat();
  signal?.throwIfAborted();

  const namespaces = new Set(all.flatMap((item) => (item.ref.namespace ? [item.ref.namespace] : [])));
  await Promise.all([...namespaces].map((namespace) => ensureNamespace(kubeConfig, namespace)));

  const checkable = all.filter((item) => !item.deferred);
  const dryRun = await applyAll(kubeConfig, checkable, {
    dryRun: true,
    concurrency,
    stopOnError: false,
    signal,
  });
  const rejected = dryRun.flatMap((outcome, index) =>
    outcome.error ? [{ item: checkable[index]!, error: outcome.error }] : [],
  );
  if (rejected.length > 0) throw rejection(rejected);
  if (options.dryRun) return dryRun.map((outcome) => outcome.object!);

  // A server-side dry run answers with the live object's resourceVersion: the version before. (A
  // controller writing an object's status between the dry run and the apply makes it "configured".)
  const before = new Map<string, string | undefined>();
  dryRun.forEach((outcome, index) => {
    if (outcome.status === 200)
      before.set(refKey(checkable[index]!.ref), outcome.object?.metadata.resourceVersion);
  });

  const applied: KubeObject[] = [];
  for (const step of plan) {
    const outcomes = await applyAll(kubeConfig, step, {
      dryRun: false,
      concurrency,
      stopOnError: true,
      signal,
      onApplied: ({ ref }, { status, object }) =>
        options.onProgress?.(ref, resultOf(status!, before.get(refKey(ref)), object!)),
    });
    const failed = outcomes.find((outcome) => outcome?.error);
    if (failed?.error) throw failed.error;
    applied.push(...outcomes.map((outcome) => outcome.object!));
    const crds = step.filter((item) => isCrd(item.object)).map((item) => item.object);
    const timeoutMs = options.crdTimeoutMs ?? 60_000;
    await Promise.all(crds.map((crd) => waitUntilServed(kubeConfig, crd, { timeoutMs, signal })));
  }
  return applied;
}

function resultOf(status: number, versionBefore: string | undefined, object: KubeObject): ApplyResult {
  if (status === 201) return 'created';
  return versionBefore !== undefined && versionBefore === object.metadata.resourceVersion
    ? 'unchanged'
    : 'configured';
}

/** Checks each object can be addressed and finds where the API serves it. */
async function planSteps(kubeConfig: KubeConfig, steps: KubeObject[][]): Promise<Planned[][]> {
  for (const object of steps.flat()) {
    if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string' || !object.metadata?.name) {
      const label = `${object.kind ?? 'an object without kind'} ${object.metadata?.name ?? '(no name)'}`;
      throw new GantryError(
        'validation_failed',
        `${label}: every object needs apiVersion, kind and metadata.name`,
      );
    }
  }
  const kinds = await kindsOfSet(kubeConfig, steps.flat());
  const seen = new Set<string>();
  return steps.map((step) =>
    step.map((object): Planned => {
      const { apiVersion, kind } = object;
      const { name, namespace } = object.metadata;
      const { namespaced, info } = kinds(apiVersion, kind);
      const ref: ObjectRef = { apiVersion, kind, name: name! };
      if (namespaced) {
        if (!namespace) {
          throw new GantryError(
            'validation_failed',
            `${kind} ${name}: a ${kind} lives in a namespace, and none is set`,
          );
        }
        ref.namespace = namespace;
      }
      const key = refKey(ref);
      if (seen.has(key)) throw new GantryError('validation_failed', `${describeRef(ref)} appears twice`);
      seen.add(key);
      // Objects whose CRD is in the set get their path once that CRD is served (see applyOne).
      return { object, ref, path: info ? resourcePath(apiVersion, info, ref) : '', deferred: !info };
    }),
  );
}

interface Outcome {
  status?: number;
  object?: KubeObject;
  error?: GantryError;
}

/** Applies items with at most `concurrency` requests in flight; after a failure, optionally starts no more. */
async function applyAll(
  kubeConfig: KubeConfig,
  items: Planned[],
  options: {
    dryRun: boolean;
    concurrency: number;
    stopOnError: boolean;
    signal: AbortSignal | undefined;
    /** Called as each object is applied, so progress shows while a long step runs. */
    onApplied?: (item: Planned, outcome: Outcome) => void;
  },
): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !(failed && options.stopOnError) && !options.signal?.aborted) {
      const index = next++;
      const item = items[index]!;
      let outcome: Outcome;
      try {
        outcome = await applyOne(kubeConfig, item, options);
      } catch (error) {
        failed = true;
        outcome = { error: kubeFailure(error, `apply ${describeRef(item.ref)}`, apiServerUrl(kubeConfig)) };
      }
      outcomes[index] = outcome;
      if (!outcome.error) options.onApplied?.(item, outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, items.length) }, worker));
  options.signal?.throwIfAborted();
  return outcomes;
}

async function applyOne(
  kubeConfig: KubeConfig,
  item: Planned,
  { dryRun, signal }: { dryRun: boolean; signal: AbortSignal | undefined },
): Promise<Outcome> {
  const path = item.path || (await pathOnceServed(kubeConfig, item));
  // Only the metadata comes back (all the applier reads): the API server skips encoding the rest.
  const { status, body } = await kubeRequest<Pick<KubeObject, 'metadata'>>(kubeConfig, {
    method: 'PATCH',
    path,
    query: {
      fieldManager: FIELD_MANAGER,
      force: 'true',
      fieldValidation: 'Strict',
      ...(dryRun ? { dryRun: 'All' } : {}),
    },
    contentType: 'application/apply-patch+yaml',
    accept: METADATA_ONLY,
    body: item.object,
    ...(signal ? { signal } : {}),
  });
  return {
    status,
    object: { apiVersion: item.ref.apiVersion, kind: item.ref.kind, metadata: body.metadata },
  };
}

async function pathOnceServed(kubeConfig: KubeConfig, item: Planned): Promise<string> {
  const { object, ref } = item;
  const info = await resourceCatalog(kubeConfig).get(object.apiVersion, object.kind);
  return resourcePath(object.apiVersion, info, { namespace: ref.namespace, name: ref.name });
}

function rejection(rejected: { item: Planned; error: GantryError }[]): GantryError {
  const [first] = rejected;
  const more = rejected.length > 1 ? ` (and ${rejected.length - 1} more rejected objects)` : '';
  return new GantryError(
    first!.error.code,
    `${first!.error.message}${more}`,
    rejected.map(({ item, error }) => ({ path: describeRef(item.ref), message: error.message })),
  );
}

interface CrdStatus {
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

/**
 * Waits until the cluster serves the kind a CRD defines (in discovery, which is what applying its
 * objects needs), failing early when the API refuses its names.
 */
async function waitUntilServed(
  kubeConfig: KubeConfig,
  crd: KubeObject,
  { timeoutMs, signal }: { timeoutMs: number; signal: AbortSignal | undefined },
): Promise<void> {
  const spec = (crd.spec ?? {}) as CrdSpec;
  const version = spec.versions?.find((candidate) => candidate.served !== false)?.name;
  const kind = spec.names?.kind;
  if (!spec.group || !version || !kind) return;
  const apiVersion = `${spec.group}/${version}`;
  const name = crd.metadata.name ?? '';
  const catalog = resourceCatalog(kubeConfig);
  const deadline = Date.now() + timeoutMs;
  for (let delay = 25; ; delay = Math.min(delay * 2, 500)) {
    if (await catalog.find(apiVersion, kind)) return;
    const { body } = await kubeRequest<CrdStatus>(kubeConfig, {
      method: 'GET',
      path: `/apis/${CRD_API_VERSION}/customresourcedefinitions/${encodeURIComponent(name)}`,
      ...(signal ? { signal } : {}),
    }).catch((error: unknown) => {
      throw kubeFailure(error, `read CustomResourceDefinition ${name}`, apiServerUrl(kubeConfig));
    });
    const refused = body.status?.conditions?.find((c) => c.type === 'NamesAccepted' && c.status === 'False');
    if (refused) {
      throw new GantryError(
        'validation_failed',
        `CustomResourceDefinition ${name}: names not accepted: ${refused.message}`,
      );
    }
    if (Date.now() > deadline) {
      throw new GantryError(
        'unavailable',
        `CustomResourceDefinition ${name} was applied, but the cluster did not serve kind ${kind} in ${apiVersion} within ${Math.round(timeoutMs / 1000)} s`,
      );
    }
    await sleep(delay, undefined, signal ? { signal } : {});
  }
}
