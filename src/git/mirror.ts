import { GantryError } from '../domain/errors.ts';
import { diffRefs, type GitProcessOptions, listRefs, type RefUpdate } from './bare-repository.ts';
import type { GitConfigEntry } from './git-environment.ts';
import { GitCommandError, runGit } from './run-git.ts';

/** What {@link fetchMirror} fetches from where. */
export interface FetchMirrorOptions extends GitProcessOptions {
  /** The local bare repository that mirrors the external one. */
  repositoryDir: string;
  /** `https://` or `http://` URL of the external repository, without credentials. */
  url: string;
  /** HTTP Basic user name; for access tokens, whatever the provider expects (`oauth2`, `x-access-token`). */
  username?: string;
  /** HTTP Basic password or access token. */
  password?: string;
  /** Kill the fetch after this long; 10 minutes by default. */
  timeoutMs?: number;
  /** Also accept `file://` URLs and absolute paths (tests); a server never sets this for users. */
  allowLocal?: boolean;
}

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
const MAX_ERROR_CHARS = 2000;

/**
 * Fetches all branches and tags of an external repository into a mirror, pruning the ones that
 * disappeared upstream, and returns what changed. Credentials travel only as an
 * `Authorization: Basic` header configured through the environment for this one git process and
 * scoped to the URL's origin, so they never appear in argv, the URL, the repository's config, or
 * requests that a redirect sends to another host.
 * @throws GantryError `bad_request` for a refused URL, missing repository or failed authentication;
 *   `unavailable` when the host cannot be reached or the fetch times out; `conflict` when another
 *   fetch is updating the same refs.
 */
export async function fetchMirror(options: FetchMirrorOptions): Promise<RefUpdate[]> {
  const url = validateMirrorUrl(options.url, options.allowLocal ?? false);
  const config = mirrorConfig(url, options);
  const secrets = secretsOf(options);
  const gitOptions: GitProcessOptions = { home: options.home, gitBinary: options.gitBinary };
  const before = await listRefs(options.repositoryDir, gitOptions);
  try {
    await runGit(
      [
        '--git-dir',
        options.repositoryDir,
        'fetch',
        '--quiet',
        '--prune',
        '--no-tags',
        '--no-write-fetch-head',
        '--no-recurse-submodules',
        '--',
        url,
        '+refs/heads/*:refs/heads/*',
        '+refs/tags/*:refs/tags/*',
      ],
      {
        ...gitOptions,
        config,
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        extra: { GIT_ALLOW_PROTOCOL: options.allowLocal ? 'http:https:file' : 'http:https' },
      },
    );
  } catch (error) {
    if (error instanceof GitCommandError) throw fetchError(error, url, secrets);
    throw error;
  }
  return diffRefs(before, await listRefs(options.repositoryDir, gitOptions));
}

/**
 * Checks a mirror URL and returns it: `https://` or `http://` with a host and no credentials, or
 * (only with `allowLocal`) a `file://` URL or an absolute path.
 * @throws GantryError `bad_request` saying what was expected.
 */
export function validateMirrorUrl(url: string, allowLocal = false): string {
  const invalid = (message: string): GantryError =>
    new GantryError('bad_request', message, [{ path: '/url', message }]);
  // Control characters and spaces would reach git's config and URL parsers; no valid URL has them.
  if (url === '' || /\s/.test(url) || hasControlCharacter(url)) {
    throw invalid('expected a repository URL without spaces or control characters');
  }
  if (allowLocal && url.startsWith('/')) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('expected an absolute https:// or http:// repository URL');
  }
  if (allowLocal && parsed.protocol === 'file:') return url;
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw invalid(`expected an https:// or http:// repository URL, not ${parsed.protocol}//`);
  }
  if (parsed.hostname === '') throw invalid('expected a repository URL with a host name');
  if (parsed.username !== '' || parsed.password !== '') {
    throw invalid('the repository URL must not contain credentials: use the username and password fields');
  }
  if (parsed.hash !== '') throw invalid('expected a repository URL without a #fragment');
  return url;
}

function mirrorConfig(url: string, options: FetchMirrorOptions): GitConfigEntry[] {
  const config: GitConfigEntry[] = [
    // Abort a transfer that stalls below 1 KB/s for a minute instead of hanging until the timeout.
    { key: 'http.lowSpeedLimit', value: '1000' },
    { key: 'http.lowSpeedTime', value: '60' },
  ];
  const { username, password } = options;
  if (username === undefined && password === undefined) return config;
  if (username === undefined || username === '') {
    throw new GantryError('bad_request', 'a password needs a username', [
      { path: '/username', message: 'expected a username (for tokens, e.g. "oauth2" or "x-access-token")' },
    ]);
  }
  if (username.includes(':') || hasControlCharacter(username)) {
    throw new GantryError('bad_request', 'the username must not contain ":" or control characters', [
      { path: '/username', message: 'expected a username without ":" or control characters' },
    ]);
  }
  if (password !== undefined && hasControlCharacter(password)) {
    throw new GantryError('bad_request', 'the password must not contain control characters', [
      { path: '/password', message: 'expected a password without control characters' },
    ]);
  }
  if (!/^https?:/.test(url)) return config;
  const token = Buffer.from(`${username}:${password ?? ''}`, 'utf8').toString('base64');
  // Scoped to scheme, host and port: a redirect to another origin does not carry the header.
  const { origin } = new URL(url);
  config.push({ key: `http.${origin}/.extraHeader`, value: `Authorization: Basic ${token}` });
  return config;
}

/** True for C0 controls and DEL, which could split an HTTP header or a config value. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function secretsOf(options: FetchMirrorOptions): string[] {
  const { username, password } = options;
  const secrets: string[] = [];
  if (password !== undefined && password !== '') {
    secrets.push(
      Buffer.from(`${username ?? ''}:${password}`, 'utf8').toString('base64'),
      encodeURIComponent(password),
      password,
    );
  }
  // Longest first, so a secret containing another is redacted whole.
  return secrets.sort((a, b) => b.length - a.length);
}

/** Replaces every occurrence of each secret with `***`. */
function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((result, secret) => result.split(secret).join('***'), text);
}

const AUTH_FAILED =
  /Authentication failed|could not read (Username|Password)|terminal prompts disabled|returned error: 40[13]|HTTP 40[13]/i;
const NOT_FOUND =
  /returned error: 404|HTTP 404|not found|does not appear to be a git repository|not a git repository|No such file or directory/i;
const UNREACHABLE =
  /Could not resolve|Failed to connect|Connection refused|Connection reset|timed out|Network is unreachable|No route to host|SSL|TLS|certificate|Empty reply|Recv failure|returned error: 5\d\d|HTTP 5\d\d|early EOF|unexpected disconnect/i;
const LOCKED = /cannot lock ref|Unable to create '.*\.lock'/i;

function fetchError(error: GitCommandError, url: string, secrets: readonly string[]): GantryError {
  const stderr = redact(error.stderr, secrets).trim().slice(-MAX_ERROR_CHARS);
  const said = stderr === '' ? '' : `: ${stderr}`;
  if (error.timedOut) return new GantryError('unavailable', `fetching ${url} timed out`);
  if (error.exitCode === null)
    return new GantryError('unavailable', `could not run git to fetch ${url}${said}`);
  if (AUTH_FAILED.test(stderr)) {
    return new GantryError(
      'bad_request',
      `authentication to ${url} failed; check the username and password${said}`,
    );
  }
  if (LOCKED.test(stderr)) {
    return new GantryError('conflict', `another update of this mirror is running; try again${said}`);
  }
  if (UNREACHABLE.test(stderr)) return new GantryError('unavailable', `could not reach ${url}${said}`);
  if (NOT_FOUND.test(stderr))
    return new GantryError('bad_request', `no git repository found at ${url}${said}`);
  return new GantryError('unavailable', `fetching ${url} failed${said}`);
}
