import type { KubeConfig } from '@kubernetes/client-node';
import { GantryError } from '../../domain/errors.ts';
import { apiServerUrl, kubeRequest } from './kube-connection.ts';
import { isNotFound, kubeFailure } from './kube-errors.ts';
import type { KubeObject } from './kube-object.ts';

/** How the API serves one kind: the URL segment and whether objects live in a namespace. */
export interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}

/** Answers "where does the API serve this kind?" from API discovery, cached per connection. */
export interface ResourceCatalog {
  /** The kind's resource, or undefined when the cluster does not serve it (refreshes once first). */
  find(apiVersion: string, kind: string): Promise<ResourceInfo | undefined>;
  /** Like `find`, but a kind the cluster does not serve is a clear error. */
  get(apiVersion: string, kind: string): Promise<ResourceInfo>;
}

interface APIResourceList {
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

type Kinds = Map<string, ResourceInfo>;

const catalogs = new WeakMap<KubeConfig, ResourceCatalog>();

/**
 * The catalog of one connection (the same object for the same KubeConfig). Each group version is
 * discovered on first use. A kind missing from a cached list triggers one fresh discovery of that
 * group version, shared by everyone waiting on it: a CRD applied earlier in the same deployment
 * must be found, but a kind that really is not served must not cost a request per object.
 */
export function resourceCatalog(kubeConfig: KubeConfig): ResourceCatalog {
  const existing = catalogs.get(kubeConfig);
  if (existing) return existing;
  const discovered = new Map<string, Promise<Kinds>>();

  const discover = (apiVersion: string): Promise<Kinds> => {
    const loading = kubeRequest<APIResourceList>(kubeConfig, {
      method: 'GET',
      path: groupVersionPath(apiVersion),
    })
      .then(({ body }) => kindsOf(body))
      .catch((error: unknown) => {
        // A group version nobody serves (no CRD for example.com yet) is an empty list, not a failure.
        if (isNotFound(error)) return new Map() as Kinds;
        discovered.delete(apiVersion);
        throw kubeFailure(error, `discover the kinds served under ${apiVersion}`, apiServerUrl(kubeConfig));
      });
    discovered.set(apiVersion, loading);
    return loading;
  };

  const find = async (apiVersion: string, kind: string): Promise<ResourceInfo | undefined> => {
    const cached = discovered.get(apiVersion);
    const kinds = await (cached ?? discover(apiVersion));
    const info = kinds.get(kind);
    if (info || !cached) return info;
    // Stale list: refresh once, unless someone else already replaced it since we read it.
    const current = discovered.get(apiVersion);
    const fresh = await (current !== cached && current ? current : discover(apiVersion));
    return fresh.get(kind);
  };

  const catalog: ResourceCatalog = {
    find,
    async get(apiVersion, kind) {
      const info = await find(apiVersion, kind);
      if (!info) throw notServed(apiVersion, kind);
      return info;
    },
  };
  catalogs.set(kubeConfig, catalog);
  return catalog;
}

/** How one kind of a manifest set is served. */
export interface SetKind {
  namespaced: boolean;
  /** Absent when a CRD of the same set defines the kind: it is served once that CRD is applied. */
  info?: ResourceInfo;
}

/** The kinds of a manifest set, answered synchronously once {@link kindsOfSet} has resolved them. */
export type SetKinds = (apiVersion: string, kind: string) => SetKind;

/**
 * Resolves every kind of a manifest set at once: from API discovery, or, for a kind the cluster
 * does not serve yet, from a CustomResourceDefinition of the same set (its scope decides whether
 * the kind is namespaced).
 *
 * @throws GantryError for a kind neither the cluster nor the set's CRDs define ("kind Widget in
 *   example.com/v1 is not served by the cluster (no CRD installed?)").
 */
export async function kindsOfSet(kubeConfig: KubeConfig, objects: readonly KubeObject[]): Promise<SetKinds> {
  const catalog = resourceCatalog(kubeConfig);
  const definedBySet = kindsDefinedBy(objects);
  const resolved = new Map<string, SetKind>();
  const keys = new Map(objects.map((object) => [`${object.apiVersion}|${object.kind}`, object]));
  await Promise.all(
    [...keys].map(async ([key, { apiVersion, kind }]) => {
      const info = await catalog.find(apiVersion, kind);
      const crdScope = definedBySet.get(key);
      if (info) resolved.set(key, { namespaced: info.namespaced, info });
      else if (crdScope !== undefined) resolved.set(key, { namespaced: crdScope });
      else throw notServed(apiVersion, kind);
    }),
  );
  return (apiVersion, kind) => {
    const found = resolved.get(`${apiVersion}|${kind}`);
    if (!found) throw new Error(`kind ${kind} in ${apiVersion} is not part of the resolved set`);
    return found;
  };
}

export const CRD_API_VERSION = 'apiextensions.k8s.io/v1';

/** Whether an object is a CustomResourceDefinition. */
export const isCrd = (object: KubeObject): boolean =>
  object.apiVersion === CRD_API_VERSION && object.kind === 'CustomResourceDefinition';

/** The part of a CRD's spec that says which kind it defines. */
export interface CrdSpec {
  group?: string;
  scope?: string;
  names?: { kind?: string };
  versions?: { name?: string; served?: boolean }[];
}

/** The kinds the set's CRDs define: `example.com/v1|Widget` → whether namespaced. */
function kindsDefinedBy(objects: readonly KubeObject[]): Map<string, boolean> {
  const defined = new Map<string, boolean>();
  for (const object of objects.filter(isCrd)) {
    const spec = (object.spec ?? {}) as CrdSpec;
    for (const version of spec.versions ?? []) {
      if (spec.group && spec.names?.kind && version.name && version.served !== false) {
        defined.set(`${spec.group}/${version.name}|${spec.names.kind}`, spec.scope !== 'Cluster');
      }
    }
  }
  return defined;
}

/** The error for a kind the cluster does not serve. */
export function notServed(apiVersion: string, kind: string): GantryError {
  const hint = apiVersion.includes('.') ? ' (no CRD installed?)' : '';
  return new GantryError(
    'validation_failed',
    `kind ${kind} in ${apiVersion} is not served by the cluster${hint}`,
  );
}

function kindsOf(list: APIResourceList): Kinds {
  const kinds: Kinds = new Map();
  for (const resource of list.resources ?? []) {
    // `deployments/scale`, `pods/log`: subresources share the kind of their parent.
    if (resource.name.includes('/')) continue;
    kinds.set(resource.kind, { plural: resource.name, namespaced: resource.namespaced });
  }
  return kinds;
}

/** `/api/v1` for the core group, `/apis/apps/v1` for the others. */
export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/**
 * The URL path of a collection (no name) or one object: namespaced kinds go under
 * `/namespaces/<namespace>`, cluster-scoped kinds ignore any namespace.
 */
export function resourcePath(
  apiVersion: string,
  info: ResourceInfo,
  target: { namespace?: string; name?: string },
): string {
  let path = groupVersionPath(apiVersion);
  if (info.namespaced) {
    if (!target.namespace) throw new Error(`a namespaced ${info.plural} path needs a namespace`);
    path += `/namespaces/${encodeURIComponent(target.namespace)}`;
  }
  path += `/${info.plural}`;
  if (target.name !== undefined) path += `/${encodeURIComponent(target.name)}`;
  return path;
}
