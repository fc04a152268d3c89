import { endpointAddress, type SshEndpoint } from '../ssh/ssh-endpoint.ts';
import { SshError } from '../ssh/ssh-error.ts';
import {
  checkedRelease,
  checkedRemoteDir,
  readReleaseState,
  switchCurrentCommands,
} from './release-state.ts';
import { runSftpBatch } from './sftp-client.ts';

/** What {@link switchToRelease} switches to. */
export interface SwitchToReleaseOptions {
  remoteDir: string;
  release: string;
  scratchDir: string;
  signal?: AbortSignal;
  log(line: string): void;
}

/**
 * Points `current` at a kept release atomically (a rollback) and resolves with the release it pointed
 * at before. Throws {@link SshError} `invalid` when the release is not kept (e.g. pruned, or the
 * directory was published by a sync, which keeps no releases).
 */
export async function switchToRelease(
  endpoint: SshEndpoint,
  options: SwitchToReleaseOptions,
): Promise<{ previous: string | null }> {
  const root = checkedRemoteDir(options.remoteDir);
  const release = checkedRelease(options.release);
  const session = { scratchDir: options.scratchDir, signal: options.signal };
  const state = await readReleaseState(endpoint, root, session);
  if (!state.releases.includes(release)) {
    throw new SshError(
      'invalid',
      `release ${release} is not kept in ${root}/releases on ${endpointAddress(endpoint)}`,
    );
  }
  options.log(`switching ${root}/current to releases/${release}`);
  await runSftpBatch(endpoint, switchCurrentCommands(root, release), {
    ...session,
    purpose: `switch ${root}/current to ${release}`,
  });
  return { previous: state.current };
}
