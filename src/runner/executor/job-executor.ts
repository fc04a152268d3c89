import type { JobDependency, JobResult, JobSpec } from '../job-spec.ts';

/** What an executor needs from the runner agent while one job runs. */
export interface JobIo {
  /**
   * Receives the job log in order: the job's stdout and stderr merged, plus the runner's own
   * progress lines (with ANSI colours, as GitLab's runner writes them). Called often with small chunks.
   */
  log(chunk: Buffer): void;
  /**
   * Fetches the artifact archive of `dependency` and extracts it into the workspace directory `into`
   * (the agent implements the transfer; {@link extractArtifacts} does the extraction).
   */
  downloadArtifacts(dependency: JobDependency, into: string): Promise<void>;
  /** Sends the `.tar.gz` at `archive`, built from `artifacts:paths`, to the server. */
  uploadArtifacts(archive: string): Promise<void>;
}

/** Runs one job on this machine and reports how it ended; never rejects for a job-level failure. */
export interface Executor {
  /**
   * Runs `spec` to completion. Aborting `signal` cancels the job: every process it started is
   * killed and the result is `canceled`. Failures of the job itself (scripts, checkout, timeout)
   * are reported in the {@link JobResult}, not thrown.
   */
  run(spec: JobSpec, io: JobIo, signal: AbortSignal): Promise<JobResult>;
}
