/**
 * The shapes the UI reads for the targets beyond containers (docs/api.md, "Targets"): SSH hosts, an
 * SFTP server, an S3 bucket, a Maven repository and an Ansible inventory, each as a target's view
 * shows it (secrets never appear, only whether they are set), and what each kind's deployments
 * record in their `snapshot`.
 */

/** Which credentials of a host login are stored (never shown). */
export type LoginAuth = 'private_key' | 'password';

/** A host as registered, with the keys recorded for it. */
export interface RecordedHost {
  host: string;
  port: number;
  /** The known_hosts lines recorded when the target was saved. */
  known_hosts: string;
  /** `SHA256:…` of each recorded key. */
  fingerprints: string[];
}

export interface SshTargetSettings {
  hosts: RecordedHost[];
  user: string;
  deploy_to: string;
  parallelism: number;
  keep_releases: number;
  auth: LoginAuth[];
}

export interface SftpTargetSettings extends RecordedHost {
  user: string;
  remote_dir: string;
  keep_releases: number;
  auth: LoginAuth[];
  /** What the server allowed at the last save: `release` (atomic switch) or `sync` (plain copy). */
  mode: 'release' | 'sync' | null;
}

export interface S3TargetSettings {
  bucket: string;
  prefix: string;
  region: string;
  /** An S3-compatible server's URL; null or empty for AWS. */
  endpoint: string | null;
  force_path_style: boolean;
  versioning: 'prefix' | 'bucket';
  access_key_id: string | null;
  secret_set: boolean;
}

export interface MavenTargetSettings {
  url: string;
  username: string | null;
  password_set: boolean;
}

export interface AnsibleTargetSettings {
  /** The inventory: each host's inventory name and address. */
  hosts: Array<RecordedHost & { name: string }>;
  user: string;
  auth: LoginAuth[];
}

/** The per-kind settings a target view may carry (null for the other kinds). */
export interface HostTargetViews {
  ssh?: SshTargetSettings | null;
  sftp?: SftpTargetSettings | null;
  s3?: S3TargetSettings | null;
  maven?: MavenTargetSettings | null;
  ansible?: AnsibleTargetSettings | null;
}

/** A file shipped to hosts or an SFTP server. */
export interface ShippedFile {
  path: string;
  size: number;
  sha256?: string;
}

/** What an SSH deployment recorded: the release it made on every host and the files in it. */
export interface SshDeploymentSnapshot {
  kind: 'ssh';
  release: string;
  deployTo: string;
  files: ShippedFile[];
  /** The hosts it went to, each with the release it ran before. */
  hosts: { host: string; port: number; previous: string | null }[];
}

export interface SftpDeploymentSnapshot {
  kind: 'sftp';
  /** `release`: switched atomically; `sync`: copied into the directory. */
  mode: 'release' | 'sync' | string;
  release: string | null;
  remoteDir: string;
  files: ShippedFile[];
}

export interface S3DeploymentSnapshot {
  kind: 's3';
  bucket: string;
  prefix: string;
  versioning: string;
  files: {
    key: string;
    size: number;
    etag: string;
    contentType: string | null;
    cacheControl: string | null;
    versionId: string | null;
    versionKey: string | null;
  }[];
}

/** One host's line of an Ansible play recap. */
export interface PlayRecapLine {
  host: string;
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export interface AnsibleDeploymentSnapshot {
  kind: 'ansible';
  playbook: string;
  /** Whether the play ran in check mode (a dry run). */
  check: boolean;
  recap: PlayRecapLine[];
}

export interface MavenDeploymentSnapshot {
  kind: 'maven';
  /** The repository published to, as the target named it then. */
  repositoryUrl: string;
  groupId: string;
  artifactId: string;
  version: string;
  uploaded: { path: string; size: number; sha1: string }[];
}

export type HostDeploymentSnapshot =
  | SshDeploymentSnapshot
  | SftpDeploymentSnapshot
  | S3DeploymentSnapshot
  | AnsibleDeploymentSnapshot
  | MavenDeploymentSnapshot;
