import type {
  AnsibleDeploymentSnapshot,
  HostDeploymentSnapshot,
  MavenDeploymentSnapshot,
  PlayRecapLine,
  S3DeploymentSnapshot,
  SftpDeploymentSnapshot,
  SshDeploymentSnapshot,
} from '../api/host-target-types.ts';
import { hostAddress } from './host-login-body.ts';
import { formatBytes } from './metrics-chart.ts';

/** A fact of a deployment: a label and its value (`code` when it is a path, key or address). */
export interface DeployedFact {
  label: string;
  value: string;
  code?: boolean;
}

/** A file as the panel lists it: its name, size in words, and the digest or details beside it. */
export interface DeployedFileRow {
  name: string;
  size: string;
  detail: string;
}

/** What a deployment of a host, bucket, repository or playbook target put where, ready to show. */
export interface DeployedSummary {
  facts: DeployedFact[];
  /** The hosts it went to, each with the release it replaced. */
  hosts: { address: string; previous: string }[];
  /** `3 files, 12 KiB`; empty when the kind ships no files (a playbook). */
  filesText: string;
  files: DeployedFileRow[];
  /** An Ansible play's recap, one line per host. */
  recap: PlayRecapLine[];
}

const KINDS = new Set(['ssh', 'sftp', 's3', 'ansible', 'maven']);

/** Whether a deployment's snapshot is one this panel shows (SSH, SFTP, S3, Ansible or Maven). */
export function isHostDeploymentSnapshot(snapshot: unknown): snapshot is HostDeploymentSnapshot {
  return (
    typeof snapshot === 'object' &&
    snapshot !== null &&
    KINDS.has(String((snapshot as { kind?: unknown }).kind))
  );
}

/** The summary of a deployment's snapshot; undefined for the kinds other views show (images, manifests). */
export function deployedSummary(snapshot: unknown): DeployedSummary | undefined {
  if (!isHostDeploymentSnapshot(snapshot)) return undefined;
  switch (snapshot.kind) {
    case 'ssh':
      return sshSummary(snapshot);
    case 'sftp':
      return sftpSummary(snapshot);
    case 's3':
      return s3Summary(snapshot);
    case 'ansible':
      return ansibleSummary(snapshot);
    case 'maven':
      return mavenSummary(snapshot);
  }
}

/** `1 file, 12 B` / `3 files, 1.5 KiB`. */
export function filesText(files: readonly { size: number }[]): string {
  const total = files.reduce((sum, file) => sum + file.size, 0);
  return `${files.length} ${files.length === 1 ? 'file' : 'files'}, ${formatBytes(total)}`;
}

/** A digest shortened for reading (the full one is in the API): its first 12 characters. */
export function shortDigest(digest: string): string {
  return digest.length > 12 ? digest.slice(0, 12) : digest;
}

/** The play recap's verdict in words: `every host ok`, or what failed and where. */
export function recapVerdict(recap: readonly PlayRecapLine[]): string {
  const failed = recap.filter((line) => line.failed > 0).map((line) => line.host);
  const unreachable = recap.filter((line) => line.unreachable > 0).map((line) => line.host);
  const problems = [
    failed.length > 0 && `failed on ${failed.join(', ')}`,
    unreachable.length > 0 && `${unreachable.join(', ')} unreachable`,
  ].filter((problem): problem is string => problem !== false);
  if (problems.length > 0) return problems.join('; ');
  const changed = recap.reduce((sum, line) => sum + line.changed, 0);
  return `every host ok, ${changed} ${changed === 1 ? 'change' : 'changes'}`;
}

const empty = { hosts: [], filesText: '', files: [], recap: [] };

function shippedFiles(files: SshDeploymentSnapshot['files']): DeployedFileRow[] {
  return files.map((file) => ({
    name: file.path,
    size: formatBytes(file.size),
    detail: file.sha256 ? `sha256 ${shortDigest(file.sha256)}` : '',
  }));
}

function sshSummary(snapshot: SshDeploymentSnapshot): DeployedSummary {
  return {
    ...empty,
    facts: [
      { label: 'Release', value: snapshot.release },
      { label: 'Directory', value: `${snapshot.deployTo}/releases/${snapshot.release}`, code: true },
    ],
    hosts: snapshot.hosts.map((host) => ({
      address: hostAddress(host),
      previous: host.previous === null ? 'first release' : `was release ${host.previous}`,
    })),
    filesText: filesText(snapshot.files),
    files: shippedFiles(snapshot.files),
  };
}

function sftpSummary(snapshot: SftpDeploymentSnapshot): DeployedSummary {
  const atomic = snapshot.mode === 'release';
  return {
    ...empty,
    facts: [
      {
        label: 'Mode',
        value: atomic ? 'release switched atomically' : 'files copied in place (no atomic switch)',
      },
      ...(snapshot.release ? [{ label: 'Release', value: snapshot.release }] : []),
      { label: 'Directory', value: snapshot.remoteDir, code: true },
    ],
    filesText: filesText(snapshot.files),
    files: shippedFiles(snapshot.files),
  };
}

function s3Summary(snapshot: S3DeploymentSnapshot): DeployedSummary {
  return {
    ...empty,
    facts: [
      { label: 'Bucket', value: `s3://${snapshot.bucket}/${snapshot.prefix}`, code: true },
      {
        label: 'Versions',
        value: snapshot.versioning === 'bucket' ? 'bucket versioning' : 'kept under a versions prefix',
      },
    ],
    filesText: filesText(snapshot.files),
    files: snapshot.files.map((file) => ({
      name: file.key,
      size: formatBytes(file.size),
      detail: [file.contentType, file.cacheControl, `ETag ${file.etag}`].filter(Boolean).join(' · '),
    })),
  };
}

function ansibleSummary(snapshot: AnsibleDeploymentSnapshot): DeployedSummary {
  return {
    ...empty,
    facts: [
      { label: 'Playbook', value: snapshot.playbook, code: true },
      { label: 'Mode', value: snapshot.check ? 'check mode (dry run)' : 'applied' },
      { label: 'Recap', value: recapVerdict(snapshot.recap) },
    ],
    recap: snapshot.recap,
  };
}

function mavenSummary(snapshot: MavenDeploymentSnapshot): DeployedSummary {
  return {
    ...empty,
    facts: [
      {
        label: 'Coordinates',
        value: `${snapshot.groupId}:${snapshot.artifactId}:${snapshot.version}`,
        code: true,
      },
      { label: 'Repository', value: snapshot.repositoryUrl, code: true },
    ],
    filesText: filesText(snapshot.uploaded),
    files: snapshot.uploaded.map((file) => ({
      name: file.path,
      size: formatBytes(file.size),
      detail: `sha1 ${shortDigest(file.sha1)}`,
    })),
  };
}
