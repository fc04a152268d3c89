import { GitCommandError, killGit, runGit, spawnGit } from './run-git.ts';

const MAX_FILE_BYTES = 1024 * 1024;
const OID = /^[0-9a-f]{40}$/;
const ZERO = '0'.repeat(40);

/** A commit a ref points at, and whether the ref is a branch or a tag. */
export interface ResolvedRef {
  sha: string;
  refType: 'branch' | 'tag';
}

/**
 * Reads files and history of a bare repository at a given commit, for the pipeline compiler:
 * the pipeline file and its includes, the file list (`rules:exists`), and the files a push changed
 * (`rules:changes`).
 */
export class CommitReader {
  readonly #dir: string;

  constructor(repositoryDir: string) {
    this.#dir = repositoryDir;
  }

  /**
   * A file's text at `sha`, or undefined when the commit has no such file, it is not a file, or it
   * exceeds 1 MiB. One `git cat-file --batch` process: its header gives type and size before any
   * content is read, so a huge file is refused without reading it.
   */
  async readFile(sha: string, path: string): Promise<string | undefined> {
    assertOid(sha);
    if (path.startsWith('/') || path.split('/').includes('..') || /[\0\n]/.test(path)) return undefined;
    const child = spawnGit(['--git-dir', this.#dir, 'cat-file', '--batch'], {}, ['pipe', 'pipe', 'ignore']);
    child.stdin?.end(`${sha}:${path.replace(/^\.\//, '')}\n`);
    return new Promise<string | undefined>((resolve, reject) => {
      let buffer = Buffer.alloc(0);
      let size = -1;
      let settled = false;
      const finish = (value: string | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        killGit(child);
        resolve(value);
      };
      const timer = setTimeout(() => {
        settled = true;
        killGit(child);
        reject(new Error(`reading ${path} at ${sha} timed out`));
      }, 30_000);
      child.on('error', (error) => {
        if (!settled) reject(error);
        settled = true;
      });
      child.stdout?.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        if (size < 0) {
          const newline = buffer.indexOf(0x0a);
          if (newline < 0) return;
          // "<oid> <type> <size>", or "<spec> missing" / "ambiguous".
          const [, type, length] = buffer.subarray(0, newline).toString('utf8').split(' ');
          if (type !== 'blob' || length === undefined || Number(length) > MAX_FILE_BYTES)
            return finish(undefined);
          size = Number(length);
          buffer = buffer.subarray(newline + 1);
        }
        if (buffer.length >= size) finish(buffer.subarray(0, size).toString('utf8'));
      });
      child.on('close', () => finish(undefined));
    });
  }

  /** Every file path in the commit's tree. */
  async listFiles(sha: string): Promise<string[]> {
    assertOid(sha);
    const out = await this.#git(['ls-tree', '-r', '--name-only', '-z', sha]);
    return out.split('\0').filter((path) => path !== '');
  }

  /** Paths that differ between two commits; null when `before` is absent (a new branch). */
  async changedFiles(before: string, after: string): Promise<string[] | null> {
    assertOid(after);
    if (before === ZERO || !OID.test(before)) return null;
    try {
      const out = await this.#git(['diff', '--name-only', '-z', before, after]);
      return out.split('\0').filter((path) => path !== '');
    } catch (error) {
      // The old commit may be gone after a force-push: treat the change set as unknown.
      if (error instanceof GitCommandError) return null;
      throw error;
    }
  }

  /** The commit a branch or tag names (branches first, as git does), or undefined. */
  async resolve(ref: string): Promise<ResolvedRef | undefined> {
    if (OID.test(ref)) return undefined;
    for (const [prefix, refType] of [
      ['refs/heads/', 'branch'],
      ['refs/tags/', 'tag'],
    ] as const) {
      const sha = await this.#git(['rev-parse', '--verify', '--quiet', `${prefix}${ref}^{commit}`]).then(
        (out) => out.trim(),
        () => '',
      );
      if (OID.test(sha)) return { sha, refType };
    }
    return undefined;
  }

  /** Whether the commit exists in the repository. */
  async hasCommit(sha: string): Promise<boolean> {
    if (!OID.test(sha)) return false;
    return this.#git(['cat-file', '-e', `${sha}^{commit}`]).then(
      () => true,
      () => false,
    );
  }

  async #git(args: string[]): Promise<string> {
    return (await runGit(['--git-dir', this.#dir, ...args], { timeoutMs: 30_000 })).stdout;
  }
}

function assertOid(sha: string): void {
  if (!OID.test(sha)) throw new Error(`not a commit id: ${sha}`);
}
