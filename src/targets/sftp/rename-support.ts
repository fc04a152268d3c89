import { randomBytes } from 'node:crypto';
import type { SshEndpoint } from '../ssh/ssh-endpoint.ts';
import { SshError } from '../ssh/ssh-error.ts';
import type { RemoteTreeOptions } from './remote-tree.ts';
import { remoteJoin, sftpCommand, sftpOptionalCommand } from './sftp-batch.ts';
import { runSftpBatch } from './sftp-client.ts';

/** What a server lets Gantry do in a directory, as a probe found. */
export interface RenameSupport {
  /** It creates symbolic links (the `current` link). */
  symlinks: boolean;
  /**
   * A rename replaces an existing symlink to a directory atomically: OpenSSH's `posix-rename` extension
   * does; its plain SFTP rename refuses when the target exists (it only replaces dangling links).
   */
  atomicReplace: boolean;
}

/** How a publish goes to a server: atomic releases, or files copied straight into the directory. */
export type PublishMode = 'release' | 'sync';

/**
 * `release` when the server can switch a `current` symlink atomically (a new link renamed over the
 * old one), `sync` otherwise: there is no safe switch, so files go straight into the directory.
 */
export function publishModeFor(support: RenameSupport): PublishMode {
  return support.symlinks && support.atomicReplace ? 'release' : 'sync';
}

/**
 * Probes an existing remote directory: creates a symlink, renames a second one over it, and removes
 * both. The links point at the directory itself, like `current` at a release: OpenSSH's plain rename
 * replaces a dangling link but not one that resolves. A refused step means unsupported; connection
 * failures are thrown ({@link SshError}).
 */
export async function detectRenameSupport(
  endpoint: SshEndpoint,
  remoteDir: string,
  options: RemoteTreeOptions,
): Promise<RenameSupport> {
  const probe = remoteJoin(remoteDir, `.gantry-probe-${randomBytes(6).toString('hex')}`);
  const refused = (step: string[], purpose: string) =>
    runSftpBatch(endpoint, step, { ...options, purpose }).then(
      () => false,
      (error: unknown) => {
        if (error instanceof SshError && error.reason === 'command_failed') return true;
        throw error;
      },
    );
  try {
    if (await refused([sftpCommand('symlink', '.', `${probe}-a`)], 'probe symlinks')) {
      return { symlinks: false, atomicReplace: false };
    }
    const replaceRefused = await refused(
      [sftpCommand('symlink', '.', `${probe}-b`), sftpCommand('rename', `${probe}-b`, `${probe}-a`)],
      'probe renames',
    );
    return { symlinks: true, atomicReplace: !replaceRefused };
  } finally {
    await runSftpBatch(
      endpoint,
      [sftpOptionalCommand('rm', `${probe}-a`), sftpOptionalCommand('rm', `${probe}-b`)],
      { ...options, purpose: 'remove the probe links' },
    );
  }
}
