import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobVariable } from '../job-spec.ts';

/** A name a shell can export: letters, digits and `_`, not starting with a digit. */
export const VARIABLE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The environment of a job's processes, and anything the runner should tell the job log about it. */
export interface JobEnvironment {
  env: Record<string, string>;
  /** Variables that were skipped, one line each, for the job log (never containing values). */
  warnings: string[];
}

/** Where and how {@link buildJobEnvironment} builds a job's environment. */
export interface JobEnvironmentOptions {
  /** The base every job gets before its variables: PATH, HOME, LANG, SHELL as the executor sees fit. */
  base: Record<string, string>;
  /** Directory (outside the workspace) for file variables; created 0700 when missing. */
  fileDir: string;
  /** Set last, so a job cannot override them (`CI_PROJECT_DIR`). */
  runnerVariables?: Record<string, string>;
}

/**
 * Builds the complete environment of a job from a minimal base plus the job's variables, in order
 * (a later entry wins over an earlier one with the same key). Nothing of the runner's own
 * environment is used, so no server secret can reach a job. A file variable's value is written to
 * `<fileDir>/<KEY>` (mode 0600) and the variable holds that path. Keys that no shell can export,
 * and values holding a NUL byte (which no environment can carry), are skipped with a warning.
 */
export async function buildJobEnvironment(
  variables: readonly JobVariable[],
  options: JobEnvironmentOptions,
): Promise<JobEnvironment> {
  const env: Record<string, string> = { ...options.base };
  const warnings: string[] = [];
  let madeFileDir = false;
  for (const variable of variables) {
    if (!VARIABLE_KEY.test(variable.key)) {
      warnings.push(
        `variable ${JSON.stringify(variable.key.slice(0, 64))} skipped: not a valid variable name`,
      );
      continue;
    }
    if (variable.value.includes('\0')) {
      warnings.push(`variable ${variable.key} skipped: its value contains a NUL byte`);
      continue;
    }
    if (!variable.file) {
      env[variable.key] = variable.value;
      continue;
    }
    if (!madeFileDir) {
      await mkdir(options.fileDir, { recursive: true, mode: 0o700 });
      madeFileDir = true;
    }
    const path = join(options.fileDir, variable.key);
    await writeFile(path, variable.value, { mode: 0o600 });
    // writeFile's mode applies only when it creates the file; a repeated key reuses it.
    await chmod(path, 0o600);
    env[variable.key] = path;
  }
  Object.assign(env, options.runnerVariables);
  return { env, warnings };
}
