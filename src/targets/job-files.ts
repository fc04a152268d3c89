import { mkdtemp, realpath, rm, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { GantryError } from '../domain/errors.ts';
import { extractArtifacts } from '../runner/executor/extract-artifacts.ts';
import type { JobRow } from '../store/repositories/job-repository.ts';

/** Where the artifacts of the jobs a `deploy:` job depends on are, and how to read them. */
export interface JobFileSources {
  /** The jobs whose artifacts the job receives (GitLab's `dependencies` / `needs:artifacts` rules). */
  dependencies(job: JobRow): Promise<{ jobId: number; name: string }[]>;
  /** The archive of a job's artifacts on disk, or null when it has none (expired, never made). */
  archiveOf(jobId: number): Promise<string | null>;
}

/** The files a deployment ships, in a directory of their own until `dispose`. */
export interface JobFiles {
  /** The directory (or file) `deploy:files` names, inside the workspace. */
  path: string;
  /** Whether `path` is a directory. */
  directory: boolean;
  dispose(): Promise<void>;
}

/**
 * Gathers what a server-run `deploy:` job ships: the artifacts of the jobs it depends on, extracted
 * into a fresh workspace as a runner would (later jobs' files over earlier ones), then the path
 * `files` names in it. A path that is missing, or leads out of the workspace, fails saying so.
 */
export async function gatherJobFiles(
  sources: JobFileSources,
  job: JobRow,
  files: string,
  scratchDir: string,
): Promise<JobFiles> {
  const workspace = await mkdtemp(join(scratchDir, `job-${job.id}-files-`));
  const dispose = () => rm(workspace, { recursive: true, force: true });
  try {
    const received: string[] = [];
    for (const dependency of await sources.dependencies(job)) {
      const archive = await sources.archiveOf(dependency.jobId);
      if (archive === null) continue;
      await extractArtifacts(archive, workspace);
      received.push(dependency.name);
    }
    const root = await realpath(workspace);
    const wanted = join(root, files);
    const found = await realpath(wanted).catch(() => null);
    if (found === null) {
      const from =
        received.length === 0 ? 'no job it depends on has artifacts' : `artifacts of ${received.join(', ')}`;
      throw new GantryError(
        'validation_failed',
        `deploy:files names ${files}, which is not in the job's files (${from}): list it in the artifacts:paths of an earlier job`,
      );
    }
    const inside = relative(root, found);
    if (inside.startsWith(`..${sep}`) || inside === '..') {
      throw new GantryError(
        'validation_failed',
        `deploy:files names ${files}, which leads out of the job's files`,
      );
    }
    return { path: found, directory: (await stat(found)).isDirectory(), dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
