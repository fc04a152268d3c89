/** Where projects' bare repositories live on disk; keyed by project id, never by path. */
export interface RepositoryStorage {
  /** Absolute path of the project's bare repository. */
  pathOf(projectId: number): string;
  create(projectId: number, defaultBranch: string): Promise<void>;
  setDefaultBranch(projectId: number, branch: string): Promise<void>;
  /** Removes the repository; does nothing when it does not exist. */
  remove(projectId: number): Promise<void>;
}
