import { lstat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GantryError } from '../domain/errors.ts';
import { GitCommandError, type RunGitOptions, runGit } from './run-git.ts';

/** One ref that changed: created (`before` is {@link ZERO_OID}), updated, or deleted (`after` is {@link ZERO_OID}). */
export type RefUpdate = { ref: string; before: string; after: string };

/** The object id git uses for "no object": a created ref's `before`, a deleted ref's `after`. */
export const ZERO_OID = '0'.repeat(40);

/** Where and how git runs for repository operations (HOME, binary); all optional. */
export type GitProcessOptions = Pick<RunGitOptions, 'home' | 'gitBinary'>;

/**
 * Creates a bare repository at `dir` whose HEAD points at `refs/heads/<defaultBranch>` and which
 * accepts pushes over smart HTTP (`http.receivepack true`; who may push is decided before
 * `git http-backend` runs). Running it again on an existing repository is harmless, so a creation
 * interrupted half-way can simply be retried.
 */
export async function createBareRepository(
  dir: string,
  defaultBranch = 'main',
  options: GitProcessOptions = {},
): Promise<void> {
  await assertBranchName(defaultBranch, options);
  await runGit(['init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`, '--', dir], options);
  // `init` keeps HEAD of a repository that already existed; point it at the requested branch.
  await runGit(['--git-dir', dir, 'symbolic-ref', 'HEAD', `refs/heads/${defaultBranch}`], options);
  await runGit(['--git-dir', dir, 'config', 'http.receivepack', 'true'], options);
}

/**
 * Removes a bare repository from disk. A missing directory is not an error; a directory that does
 * not look like a bare repository is refused, so a wrong path can never wipe unrelated files.
 */
export async function deleteBareRepository(dir: string): Promise<void> {
  const info = await lstat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (info === undefined) return;
  const looksBare =
    info.isDirectory() &&
    (await Promise.all(['HEAD', 'objects', 'refs'].map((entry) => exists(join(dir, entry))))).every(Boolean);
  if (!looksBare) {
    throw new Error(`refusing to delete ${dir}: it is not a bare git repository`);
  }
  await rm(dir, { recursive: true, force: true });
}

/** Branches and tags of a repository: full ref name (`refs/heads/main`) → object id. */
export async function listRefs(dir: string, options: GitProcessOptions = {}): Promise<Map<string, string>> {
  const { stdout } = await runGit(
    ['--git-dir', dir, 'for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/', 'refs/tags/'],
    options,
  );
  const refs = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
  }
  return refs;
}

/** The refs that differ between two {@link listRefs} results, sorted by ref name. */
export function diffRefs(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): RefUpdate[] {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const updates: RefUpdate[] = [];
  for (const ref of names) {
    const old = before.get(ref) ?? ZERO_OID;
    const now = after.get(ref) ?? ZERO_OID;
    if (old !== now) updates.push({ ref, before: old, after: now });
  }
  return updates;
}

async function assertBranchName(name: string, options: GitProcessOptions): Promise<void> {
  try {
    if (name.startsWith('-')) throw new GitCommandError('leading dash', 1, '', false);
    await runGit(['check-ref-format', `refs/heads/${name}`], options);
  } catch (error) {
    if (!(error instanceof GitCommandError) || error.exitCode === null) throw error;
    throw new GantryError('bad_request', `"${name}" is not a valid branch name`, [
      { path: '/defaultBranch', message: 'expected a git branch name such as "main"' },
    ]);
  }
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}
