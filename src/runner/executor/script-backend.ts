import type { JobSpec } from '../job-spec.ts';
import type { JobWorkspace } from './job-workspace.ts';

/** Which of a job's two shells is running. */
export type ScriptStep = 'step_script' | 'after_script';

/** One script step for a {@link ScriptBackend} to run. */
export interface ScriptRun {
  spec: JobSpec;
  step: ScriptStep;
  /** Absolute path of the generated script, inside `workspace.tempDir`. */
  scriptPath: string;
  workspace: JobWorkspace;
  /** The job's complete environment for this step. */
  env: Record<string, string>;
  /** Kills the step when aborted (cancel, timeout). */
  signal: AbortSignal;
  log(chunk: Buffer): void;
}

/** How a script step ended. */
export type ScriptOutcome =
  | { kind: 'exited'; code: number }
  | { kind: 'killed'; signal: string }
  | { kind: 'aborted' }
  | { kind: 'system'; message: string };

/**
 * Where an executor runs the job scripts; checkout, dependencies, variables and artifacts are the
 * same for every executor and handled by `runJob` on the host.
 */
export interface ScriptBackend {
  /** The executor's name as the job log shows it (`Using Shell executor...`). */
  readonly name: string;
  /** Further banner lines (`Using image …`). */
  describe(spec: JobSpec): string[];
  /** Checks what the job needs before anything else; returns a system-failure message or null. */
  prepare(spec: JobSpec): Promise<string | null>;
  /** The base environment every job gets before its variables (PATH, HOME, LANG, SHELL). */
  baseEnvironment(workspace: JobWorkspace): Record<string, string>;
  /** Runs one generated script and reports how it ended; never rejects. */
  runScript(run: ScriptRun): Promise<ScriptOutcome>;
}
