import { type GitConfigEntry, gitEnvironment } from '../../git/git-environment.ts';
import type { JobSpec } from '../job-spec.ts';
import { plainLine, progressLine } from './job-log-format.ts';
import { type LoggedProcessResult, runLoggedProcess } from './logged-process.ts';

/** How fetched history is limited, as GitLab's default `GIT_DEPTH`. */
export const GIT_DEPTH = 50;

/** What {@link checkoutCommit} needs. */
export interface CheckoutOptions {
  spec: Pick<JobSpec, 'repositoryUrl' | 'sha' | 'ref' | 'token'>;
  /** An empty directory to check out into. */
  workspace: string;
  /** HOME for git (nothing is read from it: user and system config are off). */
  home: string;
  log(chunk: Buffer): void;
  /** Kills git and stops the checkout when aborted. */
  signal: AbortSignal;
  graceMs: number;
  gitBinary?: string;
}

/** The checkout failed; the message says why without secrets, for the job log. */
export class CheckoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckoutError';
  }
}

/** The user GitLab's runners authenticate as with a job token. */
export const JOB_TOKEN_USER = 'gitlab-ci-token';

/** `Authorization` header value for HTTP Basic as `gitlab-ci-token:<token>`. */
export function jobTokenAuthorization(token: string): string {
  return `Basic ${Buffer.from(`${JOB_TOKEN_USER}:${token}`).toString('base64')}`;
}

/**
 * Checks out `spec.sha` into `workspace` as a detached HEAD, fetching at most {@link GIT_DEPTH}
 * commits of history: `git init`, `git fetch <sha>` (falling back to fetching `spec.ref` and
 * verifying the commit is in it, for servers that refuse unadvertised objects), `git checkout
 * --detach`. The job token travels as an `http.extraHeader` set through git's environment
 * (`GIT_CONFIG_*`), so it is neither in any process's arguments nor in `.git/config`; the remote
 * `origin` is recorded without credentials. Git runs with a clean environment (see
 * `gitEnvironment`). Throws {@link CheckoutError} on failure; when `signal` aborts, git is killed
 * and the error says so.
 */
export async function checkoutCommit(options: CheckoutOptions): Promise<void> {
  const { spec, workspace } = options;
  checkCheckoutSpec(spec);
  const config: GitConfigEntry[] = [
    { key: 'http.extraHeader', value: `Authorization: ${jobTokenAuthorization(spec.token)}` },
    { key: 'init.defaultBranch', value: 'main' },
    { key: 'advice.detachedHead', value: 'false' },
    { key: 'credential.helper', value: '' },
  ];
  // Only HTTP(S): other transports (`ext::` runs commands, `file://` reads local repositories) are refused by git itself.
  const env = gitEnvironment({ home: options.home, config, extra: { GIT_ALLOW_PROTOCOL: 'http:https' } });
  const git = async (args: readonly string[], what: string, show = true): Promise<LoggedProcessResult> => {
    if (options.signal.aborted) throw new CheckoutError(`${what} was interrupted`);
    const result = await runLoggedProcess(options.gitBinary ?? 'git', args, {
      cwd: workspace,
      env,
      log: show ? redacting(options.log, spec.token) : () => {},
      signal: options.signal,
      graceMs: options.graceMs,
    });
    if (result.spawnError !== null)
      throw new CheckoutError(`${what}: git could not start: ${result.spawnError.message}`);
    if (result.aborted) throw new CheckoutError(`${what} was interrupted`);
    return result;
  };
  const must = async (args: readonly string[], what: string, show = true): Promise<void> => {
    const result = await git(args, what, show);
    if (result.code !== 0)
      throw new CheckoutError(`${what} failed (git exited with ${result.code ?? result.signal})`);
  };

  options.log(Buffer.from(progressLine(`Fetching changes with git depth set to ${GIT_DEPTH}...`)));
  await must(['init', workspace], 'git init');
  options.log(Buffer.from(progressLine('Created fresh repository.')));
  await must(['remote', 'add', '--', 'origin', spec.repositoryUrl], 'git remote add', false);
  const fetchArgs = ['fetch', `--depth=${GIT_DEPTH}`, '--no-tags', '--no-recurse-submodules', 'origin'];
  const bySha = await git([...fetchArgs, spec.sha], 'git fetch');
  if (bySha.code !== 0) {
    options.log(Buffer.from(plainLine(`Fetching ${spec.ref} instead of the commit itself...`)));
    await must([...fetchArgs, `+${spec.ref}:refs/remotes/origin/${spec.ref}`], 'git fetch');
    const found = await git(['cat-file', '-e', `${spec.sha}^{commit}`], 'git cat-file', false);
    if (found.code !== 0) {
      throw new CheckoutError(
        `commit ${spec.sha} is not among the last ${GIT_DEPTH} commits of ${spec.ref}; it may have been force-pushed away`,
      );
    }
  }
  options.log(
    Buffer.from(
      progressLine(`Checking out ${spec.sha.slice(0, 8)} as detached HEAD (ref is ${spec.ref})...`),
    ),
  );
  await must(['checkout', '--detach', '--quiet', '--force', spec.sha], 'git checkout');
  options.log(Buffer.from(progressLine('Skipping Git submodules setup')));
}

const COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * Refuses what git must never be handed: a commit id that is not one (it could pass for an option),
 * a URL that is not plain HTTP(S) or that carries credentials (they would land in `.git/config`), a
 * ref that git would not accept as a branch or tag name.
 */
export function checkCheckoutSpec(spec: Pick<JobSpec, 'repositoryUrl' | 'sha' | 'ref'>): void {
  if (!COMMIT_ID.test(spec.sha)) throw new CheckoutError('the job names no valid commit id');
  let url: URL;
  try {
    url = new URL(spec.repositoryUrl);
  } catch {
    throw new CheckoutError('the repository URL is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CheckoutError('the repository URL must use http or https');
  }
  if (url.username !== '' || url.password !== '') {
    throw new CheckoutError(
      'the repository URL must not carry credentials (the job token is sent separately)',
    );
  }
  if (
    spec.ref === '' ||
    spec.ref.startsWith('-') ||
    /[\s~^:?*[\\]|\.\.|@\{/.test(spec.ref) ||
    spec.ref.includes('\0')
  ) {
    throw new CheckoutError('the job names no valid ref');
  }
}

/** Wraps `log` so that `secret` never passes through it (git does not print the header; this is belt and braces). */
function redacting(log: (chunk: Buffer) => void, secret: string): (chunk: Buffer) => void {
  if (secret === '') return log;
  return (chunk) => {
    const text = chunk.toString('utf8');
    log(text.includes(secret) ? Buffer.from(text.replaceAll(secret, '[MASKED]')) : chunk);
  };
}
