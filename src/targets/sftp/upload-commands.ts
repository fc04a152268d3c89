import type { LocalTree } from './local-tree.ts';
import { remoteJoin, sftpCommand, sftpOptionalCommand } from './sftp-batch.ts';

/**
 * Batch lines uploading a local tree into `remoteDir`: each directory created (parents first), then
 * each file `put` (keeping its permission bits). With `fresh`, `remoteDir` must not exist yet and every
 * `mkdir` must succeed; otherwise directories that exist already are fine and files are overwritten.
 */
export function uploadCommands(tree: LocalTree, remoteDir: string, { fresh }: { fresh: boolean }): string[] {
  const mkdir = fresh ? sftpCommand : sftpOptionalCommand;
  return [
    ...(fresh ? [sftpCommand('mkdir', remoteDir)] : []),
    ...tree.dirs.map((dir) => mkdir('mkdir', remoteJoin(remoteDir, dir))),
    ...tree.files.map((file) => sftpCommand('put', file.absolutePath, remoteJoin(remoteDir, file.path))),
  ];
}
