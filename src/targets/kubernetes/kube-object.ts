/**
 * A Kubernetes object as Gantry handles it: plain JSON as the API server speaks it. Only the fields
 * Gantry reads are typed; everything else passes through untouched.
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMetadata;
  [field: string]: unknown;
}

export interface KubeMetadata {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  [field: string]: unknown;
}

/** Names one object: what an inventory records and what prune and stop delete. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  /** Absent for cluster-scoped objects (Namespace, CustomResourceDefinition, ClusterRole, …). */
  namespace?: string;
  name: string;
}

/** `Deployment web` or `Deployment shop-prod/web`: how logs and errors name an object. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** The reference of an object (its namespace as written; callers fill in the default). */
export function refOf(object: KubeObject): ObjectRef {
  const ref: ObjectRef = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata.name ?? '',
  };
  if (object.metadata.namespace) ref.namespace = object.metadata.namespace;
  return ref;
}

/** A stable key for maps and set differences: `apps/v1|Deployment|ns|name` with the API group only. */
export function refKey(ref: ObjectRef): string {
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
  return `${group}|${ref.kind}|${ref.namespace ?? ''}|${ref.name}`;
}

/** One object of a rendered manifest set and where it came from (`deploy/web.yaml:12`, `helm chart …`). */
export interface RenderedObject {
  object: KubeObject;
  source: string;
}

/** The API group of an `apiVersion`: `apps` for `apps/v1`, `` for the core group's `v1`. */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/** The field manager of every change Gantry makes, so `kubectl` and managedFields show who owns what. */
export const FIELD_MANAGER = 'gantry';
