import { tmpdir } from 'node:os';

/** One `git -c key=value` setting, passed through the environment so it never shows up in argv. */
export interface GitConfigEntry {
  key: string;
  value: string;
}

/** What a git child process may see besides the fixed, clean baseline. */
export interface GitEnvironmentOptions {
  /** HOME for git; nothing is read from it because global and system config are switched off. */
  home?: string;
  /** Configuration applied to this invocation only (`GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n`). */
  config?: readonly GitConfigEntry[];
  /** Further variables (CGI variables, `GIT_ALLOW_PROTOCOL`, …); they win over the baseline. */
  extra?: Readonly<Record<string, string>>;
}

const FALLBACK_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * Builds the complete environment for a git child process. It starts empty rather than from
 * `process.env`, so the server's secrets (database URLs, encryption keys, tokens) never reach git,
 * its hooks, or anything they spawn. User and system git configuration are ignored so a stray
 * `~/.gitconfig` or `/etc/gitconfig` (credential helpers, `url.insteadOf`, hooks) cannot change
 * what the server does.
 */
export function gitEnvironment(options: GitEnvironmentOptions = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH || FALLBACK_PATH,
    HOME: options.home ?? tmpdir(),
    LANG: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
  const config = options.config ?? [];
  if (config.length > 0) {
    env.GIT_CONFIG_COUNT = String(config.length);
    config.forEach((entry, index) => {
      env[`GIT_CONFIG_KEY_${index}`] = entry.key;
      env[`GIT_CONFIG_VALUE_${index}`] = entry.value;
    });
  }
  return { ...env, ...options.extra };
}
