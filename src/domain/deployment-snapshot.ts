/**
 * What a deployment applied, recorded when it starts and never changed afterwards. Rollback and
 * re-deploy apply a snapshot again, so they never depend on old pipelines or job artifacts.
 * Secret values never appear here: CI/CD variables are identified by a keyed digest of the set
 * that applied (`variablesVersion`), so a rollback can say whether they changed since.
 */
export interface ScriptSnapshot {
  kind: 'script';
  sha: string;
  ref: string;
  tag: boolean;
  pipelineId: number | null;
  jobId: number | null;
  jobName: string;
  /** The job as planned (a `PlannedJob`, JSON): script, image, variables from the file, environment. */
  definition: unknown;
  /** Keyed digest of the CI/CD variables that applied; null when unknown (recorded by an API call). */
  variablesVersion: string | null;
}

/** Recorded for deployments made by external tools over the API: only the commit is known. */
export interface ExternalSnapshot {
  kind: 'external';
  sha: string;
  ref: string;
  tag: boolean;
}

/** A container image as deployed: the reference applied and, where a registry answered, its digest. */
export interface DeployedImage {
  container: string;
  image: string;
  digest: string | null;
}

/** An object a Kubernetes deployment applied (what prune and stop delete). */
export interface InventoryEntry {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * Recorded by the built-in Kubernetes deployer (`deploy:` jobs): the job as planned, as for
 * script jobs (a re-run of it renders again), plus exactly what was applied — the rendered
 * manifests with every Secret value replaced by a reference (the values are kept encrypted beside
 * the deployment, never here), the images, and the inventory of applied objects.
 */
export interface KubernetesSnapshot extends Omit<ScriptSnapshot, 'kind'> {
  kind: 'kubernetes';
  targetId: number;
  namespace: string;
  /** The objects applied, in apply order, Secret values redacted. */
  manifests: unknown[];
  inventory: InventoryEntry[];
  images: DeployedImage[];
  /** Digest of the rendered manifests (values included), to tell an unchanged re-deploy. */
  manifestDigest: string;
  /** Digest of the environment secrets that applied; null when none. */
  secretsVersion: string | null;
}

/** A container port a Podman deployment published on its host. */
export interface PublishedPort {
  /** The pod (`<prefix><deployment>-pod-0`, or a Pod's name) and the container declaring the port. */
  pod: string;
  container: string;
  containerPort: number;
  protocol: string;
  hostIp: string;
  hostPort: number;
}

/**
 * Recorded by the built-in Podman deployer (`deploy:` jobs on a Podman target): the job as planned,
 * plus exactly what `podman kube play` was given — the objects with their names prefixed for the
 * environment and host ports filled in (PersistentVolumeClaims are not played: they became the named
 * `volumes`) — the published ports, the inventory and the images with the digests Podman reported.
 */
export interface PodmanSnapshot extends Omit<ScriptSnapshot, 'kind'> {
  kind: 'podman';
  targetId: number;
  /** What every object name starts with: `<project path slug>-<environment slug>-`. */
  namePrefix: string;
  /** The objects played, in order (ConfigMaps, then Pods and Deployments). */
  manifests: unknown[];
  /** The named volume each PersistentVolumeClaim became. */
  volumes: { claim: string; volume: string }[];
  inventory: InventoryEntry[];
  ports: PublishedPort[];
  images: DeployedImage[];
  /** Digest of the played objects, to tell an unchanged re-deploy. */
  manifestDigest: string;
}

/** A file an SSH deployment shipped: its path in the release, size and SHA-256. */
export interface ShippedFile {
  path: string;
  size: number;
  sha256: string;
}

/** The release steps an SSH deployment ran (from `deploy:`), kept so a rollback and a stop run them as deployed. */
export interface ReleaseSteps {
  before: string[];
  after: string[];
  healthCheck: { command: string | null; url: string | null; timeoutSeconds: number } | null;
  keepReleases: number;
  stop: string | null;
}

/**
 * Recorded by the built-in SSH deployer: the job as planned, the release directory it made on
 * every host (`<deploy_to>/releases/<release>`), the files shipped and the steps run. A rollback
 * switches every host back to `release` (while the hosts keep it); a stop runs `steps.stop`.
 */
export interface SshSnapshot extends Omit<ScriptSnapshot, 'kind'> {
  kind: 'ssh';
  targetId: number;
  deployTo: string;
  /** The release directory's name: the id of the deployment that uploaded it. */
  release: string;
  files: ShippedFile[];
  /** The hosts it went to, and the release each ran before. */
  hosts: { host: string; port: number; previous: string | null }[];
  steps: ReleaseSteps;
}

/** An object an S3 deployment made live, and where its kept copy is (what a rollback restores). */
export interface PublishedObject {
  key: string;
  size: number;
  etag: string;
  contentType: string;
  cacheControl: string | null;
  /** The bucket's version of it (bucket versioning). */
  versionId: string | null;
  /** Its copy under `<prefix>.gantry/versions/<deployment id>/` (prefix versioning). */
  versionKey: string | null;
}

/**
 * Recorded by the built-in S3 deployer: the job as planned, where the files went, and every live
 * object with its ETag and kept version. A rollback copies those versions back; a stop deletes
 * the live objects.
 */
export interface S3Snapshot extends Omit<ScriptSnapshot, 'kind'> {
  kind: 's3';
  targetId: number;
  bucket: string;
  prefix: string;
  versioning: 'prefix' | 'bucket';
  deleteRemoved: boolean;
  files: PublishedObject[];
}

/**
 * Recorded by the built-in Maven deployer: the job as planned and the version published (its
 * coordinates as expanded, the repository, the files stored). A rollback makes that version the
 * one Maven resolves as the latest again; published versions are never deleted.
 */
export interface MavenSnapshot extends Omit<ScriptSnapshot, 'kind'> {
  kind: 'maven';
  targetId: number;
  repositoryUrl: string;
  groupId: string;
  artifactId: string;
  version: string;
  /** Paths in the repository (checksum files left out), sizes and SHA-1s. */
  uploaded: { path: string; size: number; sha1: string }[];
}

/**
 * Recorded by the built-in SFTP deployer: the job as planned, the directory and release, whether
 * the server allowed an atomic release (`release`) or got a plain copy (`sync`), and the files.
 * A rollback switches `current` back to the release (release mode only).
 */
export interface SftpSnapshot extends Omit<ScriptSnapshot, 'kind'> {
  kind: 'sftp';
  targetId: number;
  remoteDir: string;
  release: string;
  mode: 'release' | 'sync' | null;
  previous: string | null;
  files: ShippedFile[];
}

/** One host's line of Ansible's PLAY RECAP. */
export interface RecapLine {
  host: string;
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

/**
 * Recorded by the built-in Ansible deployer: the job as planned, the playbook run at the
 * deployment's commit, whether it was a dry run (check mode), and the play recap. A rollback runs
 * the playbook of the rolled-back-to commit again; a stop runs it with `gantry_action: stop`.
 */
export interface AnsibleSnapshot extends Omit<ScriptSnapshot, 'kind'> {
  kind: 'ansible';
  targetId: number;
  playbook: string;
  check: boolean;
  recap: RecapLine[];
}

export type DeploymentSnapshot =
  | AnsibleSnapshot
  | SftpSnapshot
  | ScriptSnapshot
  | ExternalSnapshot
  | KubernetesSnapshot
  | PodmanSnapshot
  | SshSnapshot
  | S3Snapshot
  | MavenSnapshot;

const KINDS = new Set([
  'script',
  'external',
  'kubernetes',
  'podman',
  'ssh',
  's3',
  'maven',
  'sftp',
  'ansible',
]);

/** Whether a snapshot holds the job that made it, so applying it again can run that job again. */
export function isReapplicable(
  snapshot: DeploymentSnapshot | null,
): snapshot is Exclude<DeploymentSnapshot, ExternalSnapshot> {
  return snapshot !== null && snapshot.kind !== 'external';
}

/** Parses a stored snapshot; null for none. Throws on a snapshot of an unknown kind (a newer server wrote it). */
export function parseSnapshot(json: string | null): DeploymentSnapshot | null {
  if (json === null) return null;
  const value = JSON.parse(json) as { kind?: unknown };
  if (typeof value.kind !== 'string' || !KINDS.has(value.kind)) {
    throw new Error(`deployment snapshot of unknown kind ${String(value.kind)}`);
  }
  return value as DeploymentSnapshot;
}
