import type { HostTargetViews } from '../api/host-target-types.ts';

/**
 * What a successful save of an SSH, SFTP, S3, Maven or Ansible target checked, in words (the API
 * refuses a save whose check fails); undefined for the other kinds.
 */
export function hostTargetCheckText({ ssh, sftp, s3, maven, ansible }: HostTargetViews): string | undefined {
  if (ssh) return `logged in to ${hostCount(ssh.hosts.length)} as ${ssh.user}, ${ssh.deploy_to} writable`;
  if (sftp) return `logged in to ${sftp.host} as ${sftp.user}, ${sftpModeText(sftp.mode)}`;
  if (ansible) return `logged in to ${hostCount(ansible.hosts.length)} as ${ansible.user}`;
  if (s3) return `the bucket ${s3.bucket} answered`;
  if (maven) return 'the repository answered';
  return undefined;
}

/** How an SFTP target ships files, as its server allowed at the last save. */
export function sftpModeText(mode: string | null): string {
  if (mode === 'release') return 'releases switched atomically';
  if (mode === 'sync') return 'files copied in place (the server allows no atomic switch)';
  return 'not checked yet';
}

/** How a host login's credentials are given, in words (`private key`, `password`). */
export function loginAuthText(auth: readonly string[]): string {
  return auth.length === 0
    ? 'no credentials'
    : `by ${auth.map((kind) => kind.replace('_', ' ')).join(' and ')}`;
}

function hostCount(count: number): string {
  return count === 1 ? 'the host' : `${count} hosts`;
}
