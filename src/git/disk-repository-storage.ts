import { join } from 'node:path';
import type { RepositoryStorage } from '../services/repository-storage.ts';
import { createBareRepository, deleteBareRepository } from './bare-repository.ts';
import { runGit } from './run-git.ts';

/**
 * Bare repositories under one directory, named `<project id>.git`. Naming by id keeps user-chosen
 * paths out of the file system (no traversal, renames are free).
 */
export class DiskRepositoryStorage implements RepositoryStorage {
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  pathOf(projectId: number): string {
    if (!Number.isSafeInteger(projectId) || projectId < 1) throw new Error(`bad project id ${projectId}`);
    return join(this.#root, `${projectId}.git`);
  }

  create(projectId: number, defaultBranch: string): Promise<void> {
    return createBareRepository(this.pathOf(projectId), defaultBranch);
  }

  async setDefaultBranch(projectId: number, branch: string): Promise<void> {
    await runGit(['--git-dir', this.pathOf(projectId), 'symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
  }

  remove(projectId: number): Promise<void> {
    return deleteBareRepository(this.pathOf(projectId));
  }
}
