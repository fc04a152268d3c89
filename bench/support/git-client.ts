import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CleanupRegistry } from './cleanup-registry.ts';
import { type CommandResult, runCommand } from './run-command.ts';
import { temporaryDirectory } from './temporary-directory.ts';

/** Where git runs and with what environment. */
export interface GitRepo {
  dir: string;
  env: NodeJS.ProcessEnv;
}

/** A scratch directory for clones, with a clean git environment, and the function that removes it early. */
export interface GitScratch extends GitRepo {
  release: () => Promise<void>;
}

/**
 * Creates a scratch directory (registered for removal) holding an empty `home`, and an environment
 * with only `PATH` and that `HOME`, no system configuration and no credential prompts, plus `extraEnv`.
 */
export async function gitScratch(
  cleanup: CleanupRegistry,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<GitScratch> {
  const { path, release } = await temporaryDirectory(cleanup, 'gantry-bench-git-', 'git scratch directory');
  const home = join(path, 'home');
  await mkdir(home);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    ...extraEnv,
  };
  return { dir: path, env, release };
}

/** The credentials of an HTTP Basic `Authorization` header. */
export const basicAuth = (username: string, secret: string): string =>
  Buffer.from(`${username}:${secret}`).toString('base64');

/** Runs git in `repo`; with `auth` (see {@link basicAuth}) every HTTP request carries it. */
export function git(repo: GitRepo, args: readonly string[], auth?: string): Promise<CommandResult> {
  const config = auth === undefined ? [] : ['-c', `http.extraHeader=Authorization: Basic ${auth}`];
  return runCommand('git', [...config, ...args], { cwd: repo.dir, env: repo.env });
}

/** Runs git like {@link git}; returns its trimmed stdout. @throws {Error} with its stderr when it fails. */
export async function gitOk(repo: GitRepo, args: readonly string[], auth?: string): Promise<string> {
  const result = await git(repo, args, auth);
  if (result.code !== 0) {
    throw new Error(`git ${args.join(' ')} failed (exit ${result.code}):\n${result.stderr}`);
  }
  return result.stdout.trim();
}
