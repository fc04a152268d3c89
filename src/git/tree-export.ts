import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killGit, spawnGit } from './run-git.ts';

/** A commit's tree written to a temporary directory; `dispose` removes it. */
export interface ExportedTree {
  root: string;
  dispose(): Promise<void>;
}

/**
 * Writes the files of a commit to a fresh temporary directory (`git archive | tar -x`), for tools
 * that read a tree from disk (kustomize, helm). The whole tree, not one folder: a kustomization
 * may name `../base`. Fails, leaving nothing behind, when the commit is missing or the export
 * takes longer than `timeoutMs`.
 */
export async function exportTree(gitDir: string, sha: string, timeoutMs = 60_000): Promise<ExportedTree> {
  const root = await mkdtemp(join(tmpdir(), 'gantry-tree-'));
  const dispose = () => rm(root, { recursive: true, force: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const git = spawnGit(['--git-dir', gitDir, 'archive', '--format=tar', sha], {}, [
        'ignore',
        'pipe',
        'pipe',
      ]);
      const tar = spawn('tar', ['-x', '-C', root], { stdio: ['pipe', 'ignore', 'pipe'] });
      git.stdout!.pipe(tar.stdin!);
      let stderr = '';
      git.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      tar.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const timer = setTimeout(() => {
        killGit(git);
        tar.kill('SIGKILL');
      }, timeoutMs);
      const exited = (child: ReturnType<typeof spawn>) =>
        new Promise<number | null>((done) => child.on('close', (code) => done(code)));
      git.on('error', reject);
      tar.on('error', reject);
      // Both must end: tar can close its side before git reports its own exit.
      void Promise.all([exited(git), exited(tar)]).then(([gitCode, tarCode]) => {
        clearTimeout(timer);
        if (gitCode === 0 && tarCode === 0) resolve();
        else
          reject(
            new Error(
              `cannot read the files of commit ${sha.slice(0, 8)}: ${stderr.trim() || `exit ${gitCode ?? tarCode}`}`,
            ),
          );
      });
    });
  } catch (error) {
    await dispose();
    throw error;
  }
  return { root, dispose };
}
