import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GitOutput, type RunGitOptions, runGit } from '../../src/git/run-git.ts';

/** Identity for commits made by tests, so they never depend on the machine's git config. */
const IDENTITY = {
  GIT_AUTHOR_NAME: 'Gantry Test',
  GIT_AUTHOR_EMAIL: 'test@gantry.invalid',
  GIT_COMMITTER_NAME: 'Gantry Test',
  GIT_COMMITTER_EMAIL: 'test@gantry.invalid',
};

/** A scratch directory for one test; `cleanup` removes it and everything in it. */
export interface ScratchDir {
  path: string;
  cleanup(): Promise<void>;
}

/** Creates an empty scratch directory under the system temp dir (test support only). */
export async function scratchDir(prefix = 'gantry-git-'): Promise<ScratchDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** Runs git in `cwd` the way a developer would, with a fixed test identity (test support only). */
export function gitIn(cwd: string, args: readonly string[], options: RunGitOptions = {}): Promise<GitOutput> {
  return runGit(args, { ...options, cwd, extra: { ...IDENTITY, ...options.extra } });
}

/** Writes `content` to `file` in a work tree, commits it and returns the new commit id (test support only). */
export async function commitFile(workTree: string, file: string, content: string): Promise<string> {
  await writeFile(join(workTree, file), content);
  await gitIn(workTree, ['add', '--', file]);
  await gitIn(workTree, ['commit', '--quiet', '-m', `update ${file}`]);
  return (await gitIn(workTree, ['rev-parse', 'HEAD'])).stdout.trim();
}

/** Creates a non-bare repository with one commit on `main` and returns the commit id (test support only). */
export async function initWorkTree(workTree: string): Promise<string> {
  await runGit(['init', '--quiet', '--initial-branch=main', '--', workTree]);
  return commitFile(workTree, 'README.md', '# test\n');
}
