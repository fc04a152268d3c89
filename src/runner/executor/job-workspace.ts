import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** The directories of one job, all under one root that is removed when the job ends. */
export interface JobWorkspace {
  /** `<workDir>/<jobId>-<random>`: holds everything below, mode 0700. */
  root: string;
  /** The checkout, where scripts run (`CI_PROJECT_DIR`): `<root>/<project name>`. */
  dir: string;
  /** The job's temp dir, outside the checkout: HOME, file variables, generated scripts. Containers see it. */
  tempDir: string;
  /** HOME for the job's processes and for git: `<tempDir>/home`. */
  home: string;
  /** Files only the runner reads (a container's env file); never mounted into a container. */
  privateDir: string;
  /** Removes the root and everything in it; never rejects. */
  remove(): Promise<void>;
}

/**
 * Creates a fresh, empty workspace for job `jobId` under `workDir` (created when missing). The
 * random suffix keeps a retried or concurrent job from ever reusing another job's files.
 */
export async function createJobWorkspace(
  workDir: string,
  jobId: number,
  projectPath: string,
): Promise<JobWorkspace> {
  const base = resolve(workDir);
  await mkdir(base, { recursive: true });
  const root = join(base, `${jobId}-${randomBytes(4).toString('hex')}`);
  // Not recursive: an existing directory of that name must be an error, never shared.
  await mkdir(root, { mode: 0o700 });
  const dir = join(root, projectDirName(projectPath));
  const tempDir = join(root, 'tmp');
  const home = join(tempDir, 'home');
  const privateDir = join(root, 'runner');
  try {
    await mkdir(dir);
    await mkdir(tempDir, { mode: 0o700 });
    await mkdir(home, { mode: 0o700 });
    await mkdir(privateDir, { mode: 0o700 });
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  return {
    root,
    dir,
    tempDir,
    home,
    privateDir,
    remove: () => rm(root, { recursive: true, force: true, maxRetries: 3 }).catch(() => {}),
  };
}

/** The last segment of a project path, restricted to characters safe in any file name. */
export function projectDirName(projectPath: string): string {
  const last =
    projectPath
      .split('/')
      .filter((segment) => segment !== '')
      .pop() ?? '';
  const safe = last.replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === '' || /^\.+$/.test(safe) || safe === 'tmp' || safe === 'runner' ? 'project' : safe;
}
