import { endpointAddress, type SshEndpoint } from '../ssh/ssh-endpoint.ts';
import { SshError } from '../ssh/ssh-error.ts';
import { readLocalTree } from './local-tree.ts';
import {
  checkedRelease,
  checkedRemoteDir,
  readReleaseState,
  switchCurrentCommands,
  writeLedger,
} from './release-state.ts';
import { makeDirCommands, removeRemoteTrees } from './remote-tree.ts';
import { detectRenameSupport, type PublishMode, publishModeFor } from './rename-support.ts';
import { remoteJoin, sftpCommand, sftpOptionalCommand } from './sftp-batch.ts';
import { runSftpBatch } from './sftp-client.ts';
import { uploadCommands } from './upload-commands.ts';

/** What {@link publishRelease} publishes, where, and how. */
export interface PublishReleaseOptions {
  /** Remote directory holding `releases/` and `current` (or the files, in sync mode): absolute, or relative to the login directory. */
  remoteDir: string;
  /** The release's id, its directory name under `releases/` (e.g. the deployment id). */
  release: string;
  /** Local directory whose contents are published. */
  localDir: string;
  /** How many releases to keep (the new one and the previous one are always kept). */
  keepReleases: number;
  /** A directory of Gantry's own for the key, password and batch files of each session. */
  scratchDir: string;
  signal?: AbortSignal;
  /** Receives what happens, line by line. */
  log(line: string): void;
}

/** What a publish did. */
export interface PublishResult {
  /** `release`: a new release switched to atomically; `sync`: files copied into the directory (no rollback by switching). */
  mode: PublishMode;
  /** The release `current` pointed at before (always null in sync mode). */
  previous: string | null;
  /** How many files were uploaded. */
  uploaded: number;
  /** Releases pruned. */
  removed: string[];
}

/**
 * Publishes a local directory over SFTP. Where the server allows symlinks and replacing renames (a
 * probe tells), as atomic releases: left-over partial uploads are deleted, files go into
 * `releases/.<release>.partial`, which is renamed to `releases/<release>` once complete, then
 * `current` is switched to it atomically and releases beyond the newest `keepReleases` are deleted
 * (never the new or the previous one). An interrupted or failed upload never switches `current`.
 * Otherwise as a plain sync: every file is uploaded straight into `remoteDir`, nothing is deleted.
 * Throws {@link SshError} (`upload_failed` when a file could not be written), the signal's reason
 * when aborted.
 */
export async function publishRelease(
  endpoint: SshEndpoint,
  options: PublishReleaseOptions,
): Promise<PublishResult> {
  const root = checkedRemoteDir(options.remoteDir);
  const release = checkedRelease(options.release);
  const host = endpointAddress(endpoint);
  const session = { scratchDir: options.scratchDir, signal: options.signal };
  const tree = await readLocalTree(options.localDir);
  await runSftpBatch(endpoint, makeDirCommands(root), { ...session, purpose: `create ${root}` });
  const mode = publishModeFor(await detectRenameSupport(endpoint, root, session));

  if (mode === 'sync') {
    options.log(
      `${host} refuses symlinks or replacing renames in ${root}: uploading ${tree.files.length} files into it directly (no atomic switch)`,
    );
    await runSftpBatch(endpoint, uploadCommands(tree, root, { fresh: false }), {
      ...session,
      purpose: `upload ${options.localDir} to ${root}`,
      failure: 'upload_failed',
    });
    return { mode, previous: null, uploaded: tree.files.length, removed: [] };
  }

  await runSftpBatch(endpoint, [sftpOptionalCommand('mkdir', remoteJoin(root, 'releases'))], {
    ...session,
    purpose: `create ${root}/releases`,
  });
  const state = await readReleaseState(endpoint, root, session);
  const previous = state.current;
  if (previous === release) throw new SshError('invalid', `release ${release} is already current on ${host}`);
  const stale = [...state.partials, ...(state.releases.includes(release) ? [release] : [])];
  if (stale.length > 0) {
    options.log(`removing left-overs in ${root}/releases: ${stale.join(', ')}`);
    await removeRemoteTrees(
      endpoint,
      stale.map((name) => remoteJoin(root, 'releases', name)),
      session,
    );
  }

  const partial = remoteJoin(root, 'releases', `.${release}.partial`);
  options.log(`uploading ${tree.files.length} files from ${options.localDir} to ${partial} on ${host}`);
  await runSftpBatch(endpoint, uploadCommands(tree, partial, { fresh: true }), {
    ...session,
    purpose: `upload release ${release}`,
    failure: 'upload_failed',
  });
  const releases = [...state.releases.filter((name) => name !== release), release];
  await writeLedger(endpoint, root, releases, {
    ...session,
    purpose: `complete release ${release}`,
    before: [sftpCommand('rename', partial, remoteJoin(root, 'releases', release))],
  });

  options.log(`switching ${root}/current to releases/${release}`);
  await runSftpBatch(endpoint, switchCurrentCommands(root, release), {
    ...session,
    purpose: `switch ${root}/current to ${release}`,
  });

  const kept = new Set([
    release,
    ...(previous === null ? [] : [previous]),
    ...releases.slice(-options.keepReleases),
  ]);
  const removed = releases.filter((name) => !kept.has(name));
  if (removed.length > 0) {
    options.log(`removing old releases: ${removed.join(', ')}`);
    await removeRemoteTrees(
      endpoint,
      removed.map((name) => remoteJoin(root, 'releases', name)),
      session,
    );
  }
  return { mode, previous, uploaded: tree.files.length, removed };
}
