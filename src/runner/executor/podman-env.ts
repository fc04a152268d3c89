import { shellQuote } from './job-script.ts';

/** A job environment split into what `podman --env-file` can carry and what must be sourced by the shell. */
export interface PodmanEnvironment {
  /** `KEY=value` lines for `--env-file`. */
  envFile: string;
  /** `export KEY='value'` lines for values an env file cannot hold; empty when there are none. */
  exports: string;
}

/**
 * Longest value put in the env file: podman reads it line by line with Go's default scanner
 * buffer (64 KiB per line), so longer values go through the sourced file instead.
 */
const MAX_ENV_FILE_VALUE = 60 * 1024;

/**
 * Splits a job environment for a container. Podman's env-file format is one `KEY=value` per line,
 * taken verbatim (no quoting, no escapes), so values holding a line break — multi-line variables,
 * certificates — or longer than 60 KiB cannot be in it; those are exported by a shell file the
 * container's shell sources before the script. Either way no value appears on podman's command
 * line, where `ps` would show it.
 */
export function splitPodmanEnvironment(env: Readonly<Record<string, string>>): PodmanEnvironment {
  const fileLines: string[] = [];
  const exportLines: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (value.includes('\n') || value.includes('\r') || value.length > MAX_ENV_FILE_VALUE) {
      exportLines.push(`export ${key}=${shellQuote(value)}`);
    } else {
      fileLines.push(`${key}=${value}`);
    }
  }
  return {
    envFile: fileLines.length > 0 ? `${fileLines.join('\n')}\n` : '',
    exports: exportLines.length > 0 ? `${exportLines.join('\n')}\n` : '',
  };
}
