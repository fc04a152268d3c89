import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { FailureReason, JobResult, JobSpec } from '../job-spec.ts';
import { checkoutCommit } from './git-checkout.ts';
import { artifactsWanted, runArtifactsPhase } from './job-artifacts.ts';
import { type JobDeadline, raceAbort, startDeadline } from './job-deadline.ts';
import { buildJobEnvironment } from './job-environment.ts';
import type { JobIo } from './job-executor.ts';
import {
  bannerLine,
  errorLine,
  plainLine,
  progressLine,
  sectionEnd,
  sectionStart,
  warningLine,
} from './job-log-format.ts';
import { renderJobScript } from './job-script.ts';
import { createJobWorkspace, type JobWorkspace } from './job-workspace.ts';
import type { ScriptBackend, ScriptOutcome, ScriptStep } from './script-backend.ts';

/** Settings shared by every executor. */
export interface JobRunSettings {
  /** Parent of every job's workspace. */
  workDir: string;
  /** Time between SIGTERM and SIGKILL when a job's processes are stopped. */
  killGraceMs: number;
  /** `after_script`'s own time limit (GitLab: 5 minutes). */
  afterScriptTimeoutMs: number;
  gitBinary?: string;
}

/** Default time between SIGTERM and SIGKILL. */
export const DEFAULT_KILL_GRACE_MS = 5_000;
/** Default time limit of `after_script`, as GitLab's. */
export const DEFAULT_AFTER_SCRIPT_TIMEOUT_MS = 5 * 60_000;

/** How the job went, before it is turned into a {@link JobResult}. */
type Outcome =
  | { kind: 'success' }
  | { kind: 'script_failure'; exitCode: number | null; message: string }
  | { kind: 'timeout' }
  | { kind: 'canceled' }
  | { kind: 'system'; message: string };

/** Everything one job run carries around. */
interface JobContext {
  spec: JobSpec;
  io: JobIo;
  cancel: AbortSignal;
  backend: ScriptBackend;
  settings: JobRunSettings;
  /** Writes one of the runner's own lines. */
  log(text: string): void;
  /** Passes output of the job's processes through unchanged. */
  logChunk(chunk: Buffer): void;
}

/**
 * Runs one job the way GitLab Runner does, whatever the executor: a fresh workspace, checkout of
 * the commit, the dependencies' artifacts, `before_script` + `script` in one shell, all under the
 * job timeout; then `after_script` in another shell with its own timeout (after success, failure or
 * timeout, not after cancel; its status never changes the job's); then artifacts and the dotenv
 * report when `artifacts:when` matches; finally removal of the workspace, whatever happened. The
 * backend only decides where the scripts run. Resolves with the result; never rejects.
 */
export async function runJob(
  spec: JobSpec,
  io: JobIo,
  cancel: AbortSignal,
  backend: ScriptBackend,
  settings: JobRunSettings,
): Promise<JobResult> {
  const logChunk = (chunk: Buffer): void => {
    try {
      io.log(chunk);
    } catch {
      // A failing log sink must not take the job (or the runner) down with it.
    }
  };
  const log = (text: string): void => logChunk(Buffer.from(text));
  const context: JobContext = { spec, io, cancel, backend, settings, log, logChunk };
  const deadline = startDeadline(cancel, spec.timeoutSeconds * 1000);
  let workspace: JobWorkspace | null = null;
  let env: Record<string, string> = {};
  let outcome: Outcome;
  let scriptsRan = false;
  let dotenv: Record<string, string> | null = null;
  try {
    log(bannerLine(`Running with gantry-runner on ${hostname()}`));
    log(bannerLine(`Using ${backend.name} executor...`));
    for (const line of backend.describe(spec)) log(plainLine(line));
    const prepared = await prepare(context, deadline, (created) => {
      workspace = created;
    });
    if (prepared.kind === 'failed') {
      outcome = prepared.outcome;
    } else {
      env = prepared.env;
      scriptsRan = true;
      const scripts = [...spec.beforeScript, ...spec.script];
      outcome = await runStep(context, prepared.workspace, 'step_script', scripts, env, deadline.signal);
      if (outcome.kind !== 'success' && deadline.reason() !== null) outcome = stopped(deadline);
    }
  } catch (error) {
    outcome = { kind: 'system', message: `unexpected error: ${(error as Error).message}` };
  } finally {
    deadline.dispose();
  }

  const ready: JobWorkspace | null = workspace;
  try {
    // Nothing ran when checkout or downloads failed: no after_script, no artifacts (as GitLab).
    if (ready !== null && scriptsRan && outcome.kind !== 'canceled') {
      if (spec.afterScript.length > 0 && (await runAfterScript(context, ready, env, outcome))) {
        outcome = { kind: 'canceled' };
      }
      const phase = await maybeArtifacts(context, ready, outcome);
      if (phase !== null) {
        dotenv = phase.dotenv;
        outcome = phase.outcome;
      }
    }
  } catch (error) {
    if (outcome.kind === 'success')
      outcome = { kind: 'system', message: `unexpected error: ${(error as Error).message}` };
  }

  if (ready !== null) await removeWorkspace(ready, log);
  log(finalLine(outcome, spec));
  return toResult(outcome, dotenv);
}

type Prepared =
  | { kind: 'ready'; workspace: JobWorkspace; env: Record<string, string> }
  | { kind: 'failed'; outcome: Outcome };

/** Workspace, checkout, dependencies and environment: everything before the scripts. */
async function prepare(
  context: JobContext,
  deadline: JobDeadline,
  created: (workspace: JobWorkspace) => void,
): Promise<Prepared> {
  const { spec, backend, settings, log, logChunk, io } = context;
  const failed = (outcome: Outcome): Prepared => ({ kind: 'failed', outcome });
  log(sectionStart('prepare_executor', 'Preparing environment'));
  const problem = await backend.prepare(spec);
  if (problem !== null) return failed({ kind: 'system', message: problem });
  let workspace: JobWorkspace;
  try {
    workspace = await createJobWorkspace(settings.workDir, spec.id, spec.projectPath);
  } catch (error) {
    return failed({
      kind: 'system',
      message: `cannot create the job workspace: ${(error as Error).message}`,
    });
  }
  created(workspace);
  log(plainLine(`Running on ${hostname()} in ${workspace.dir}`));
  log(sectionEnd('prepare_executor'));

  log(sectionStart('get_sources', 'Getting source from Git repository'));
  try {
    await checkoutCommit({
      spec,
      workspace: workspace.dir,
      home: workspace.home,
      log: logChunk,
      signal: deadline.signal,
      graceMs: settings.killGraceMs,
      gitBinary: settings.gitBinary,
    });
  } catch (error) {
    if (deadline.reason() !== null) return failed(stopped(deadline));
    return failed({ kind: 'system', message: (error as Error).message });
  }
  log(sectionEnd('get_sources'));

  if (spec.dependencies.length > 0) {
    log(sectionStart('download_artifacts', 'Downloading artifacts'));
    for (const dependency of spec.dependencies) {
      const what = `${dependency.name} (${dependency.jobId})`;
      log(progressLine(`Downloading artifacts for ${what}...`));
      try {
        await raceAbort(io.downloadArtifacts(dependency, workspace.dir), deadline.signal);
      } catch (error) {
        if (deadline.reason() !== null) return failed(stopped(deadline));
        return failed({
          kind: 'system',
          message: `downloading artifacts for ${what} failed: ${(error as Error).message}`,
        });
      }
    }
    log(sectionEnd('download_artifacts'));
  }

  try {
    const built = await buildJobEnvironment(spec.variables, {
      base: backend.baseEnvironment(workspace),
      fileDir: join(workspace.tempDir, 'variables'),
      runnerVariables: { CI_PROJECT_DIR: workspace.dir, CI_BUILDS_DIR: workspace.root },
    });
    for (const warning of built.warnings) log(warningLine(warning));
    return { kind: 'ready', workspace, env: built.env };
  } catch (error) {
    return failed({ kind: 'system', message: `cannot write file variables: ${(error as Error).message}` });
  }
}

/** Writes and runs one script step; maps how its shell ended to an outcome. */
async function runStep(
  context: JobContext,
  workspace: JobWorkspace,
  step: ScriptStep,
  commands: readonly string[],
  env: Record<string, string>,
  signal: AbortSignal,
): Promise<Outcome> {
  const { spec, backend, log } = context;
  if (step === 'step_script') {
    log(sectionStart(step, 'Executing "step_script" stage of the job script'));
  } else {
    log(sectionStart(step, 'Running after_script'));
    log(progressLine('Running after script...'));
  }
  const scriptPath = join(workspace.tempDir, `${step}.sh`);
  let result: ScriptOutcome;
  try {
    await writeFile(scriptPath, renderJobScript(commands), { mode: 0o600 });
    result = await backend.runScript({
      spec,
      step,
      scriptPath,
      workspace,
      env,
      signal,
      log: context.logChunk,
    });
  } catch (error) {
    result = { kind: 'system', message: `cannot run ${step}: ${(error as Error).message}` };
  }
  log(sectionEnd(step));
  switch (result.kind) {
    case 'exited':
      return result.code === 0
        ? { kind: 'success' }
        : { kind: 'script_failure', exitCode: result.code, message: `exit code ${result.code}` };
    case 'killed':
      return { kind: 'script_failure', exitCode: null, message: `killed by ${result.signal}` };
    case 'aborted':
      return { kind: 'canceled' };
    case 'system':
      return { kind: 'system', message: result.message };
  }
}

/** Runs `after_script` under its own timeout; returns true when the job was canceled meanwhile. */
async function runAfterScript(
  context: JobContext,
  workspace: JobWorkspace,
  env: Record<string, string>,
  outcome: Outcome,
): Promise<boolean> {
  const { spec, cancel, settings, log } = context;
  const deadline = startDeadline(cancel, settings.afterScriptTimeoutMs);
  try {
    const status = outcome.kind === 'success' ? 'success' : 'failed';
    const afterEnv = { ...env, CI_JOB_STATUS: status };
    const result = await runStep(
      context,
      workspace,
      'after_script',
      spec.afterScript,
      afterEnv,
      deadline.signal,
    );
    const why = deadline.reason();
    if (why === 'canceled') return true;
    if (why === 'timeout') {
      log(
        warningLine(
          `after_script failed, but job will continue unaffected: execution took longer than ${settings.afterScriptTimeoutMs / 1000} seconds`,
        ),
      );
    } else if (result.kind === 'script_failure' || result.kind === 'system') {
      log(warningLine(`after_script failed, but job will continue unaffected: ${result.message}`));
    }
    return false;
  } finally {
    deadline.dispose();
  }
}

/** Runs the artifacts phase when `artifacts:when` asks for it; null when it did not run. */
async function maybeArtifacts(
  context: JobContext,
  workspace: JobWorkspace,
  outcome: Outcome,
): Promise<{ outcome: Outcome; dotenv: Record<string, string> | null } | null> {
  const { spec, io, cancel, log } = context;
  const artifacts = spec.artifacts;
  const succeeded = outcome.kind === 'success';
  const eligible = succeeded || outcome.kind === 'script_failure' || outcome.kind === 'timeout';
  if (artifacts === null || !eligible || cancel.aborted || !artifactsWanted(artifacts.when, succeeded))
    return null;
  const name = succeeded ? 'upload_artifacts_on_success' : 'upload_artifacts_on_failure';
  log(sectionStart(name, `Uploading artifacts for ${succeeded ? 'successful' : 'failed'} job`));
  const phase = await runArtifactsPhase({
    artifacts,
    workspace: workspace.dir,
    archivePath: join(workspace.privateDir, 'artifacts.tar.gz'),
    upload: (archive) => raceAbort(io.uploadArtifacts(archive), cancel),
    log,
  });
  log(sectionEnd(name));
  if (cancel.aborted) return { outcome: { kind: 'canceled' }, dotenv: phase.dotenv };
  if (phase.failure === null || !succeeded) return { outcome, dotenv: phase.dotenv };
  const failedOutcome: Outcome =
    phase.failure.reason === 'runner_system_failure'
      ? { kind: 'system', message: phase.failure.message }
      : { kind: 'script_failure', exitCode: 0, message: phase.failure.message };
  return { outcome: failedOutcome, dotenv: phase.dotenv };
}

async function removeWorkspace(workspace: JobWorkspace, log: (text: string) => void): Promise<void> {
  log(sectionStart('cleanup_file_variables', 'Cleaning up project directory and file based variables'));
  await workspace.remove();
  log(plainLine(`Removed ${workspace.root}`));
  log(sectionEnd('cleanup_file_variables'));
}

function stopped(deadline: JobDeadline): Outcome {
  return deadline.reason() === 'canceled' ? { kind: 'canceled' } : { kind: 'timeout' };
}

function finalLine(outcome: Outcome, spec: JobSpec): string {
  switch (outcome.kind) {
    case 'success':
      return progressLine('Job succeeded');
    case 'script_failure':
      return errorLine(`Job failed: ${outcome.message}`);
    case 'timeout':
      return errorLine(`Job failed: execution took longer than ${spec.timeoutSeconds} seconds`);
    case 'canceled':
      return errorLine('Job failed: canceled');
    case 'system':
      return errorLine(`Job failed (system failure): ${outcome.message}`);
  }
}

function toResult(outcome: Outcome, dotenv: Record<string, string> | null): JobResult {
  const failed = (failureReason: FailureReason, exitCode: number | null): JobResult => ({
    status: 'failed',
    exitCode,
    failureReason,
    dotenv,
  });
  switch (outcome.kind) {
    case 'success':
      return { status: 'success', exitCode: 0, failureReason: null, dotenv };
    case 'script_failure':
      return failed('script_failure', outcome.exitCode);
    case 'timeout':
      return failed('job_execution_timeout', null);
    case 'canceled':
      return { status: 'canceled', exitCode: null, failureReason: null, dotenv: null };
    case 'system':
      return failed('runner_system_failure', null);
  }
}
