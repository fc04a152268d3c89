import { GantryError } from '../../domain/errors.ts';
import { samplePath } from '../environment-path.ts';

/**
 * An SSH target as an administrator or maintainer registers it: the hosts a release goes to, the
 * user and port, where releases live (`deploy_to`), how many hosts switch at once, and the
 * credentials — a private key or a password, stored encrypted and never shown. The hosts' keys
 * are recorded when the target is saved (`known_hosts` given, or scanned then) and every later
 * connection refuses a host whose key differs; `rescan_host_keys` accepts the keys the hosts
 * show now (after a planned change of host key).
 */
export interface SshSettingsInput {
  hosts?: string[];
  user?: string;
  port?: number;
  deploy_to?: string;
  parallelism?: number;
  keep_releases?: number;
  private_key?: string | null;
  password?: string | null;
  known_hosts?: string | null;
  rescan_host_keys?: boolean;
}

/** One host as stored: its address, port and the key lines recorded for it. */
export interface SshHostConfig {
  host: string;
  port: number;
  /** known_hosts lines recorded for it (`[host]:port type key`). */
  known_hosts: string;
  /** SHA-256 fingerprints of those keys, for people to compare. */
  fingerprints: string[];
}

/** The non-secret settings kept in `targets.config` (JSON). */
export interface SshConfig {
  hosts: SshHostConfig[];
  user: string;
  deploy_to: string;
  /** Hosts switched at once; 1 is a rolling deploy. */
  parallelism: number;
  /** Releases kept on each host when the pipeline file does not say. */
  keep_releases: number;
  /** Which credentials are set (their values are kept encrypted, apart). */
  auth: ('private_key' | 'password')[];
}

/** The secret settings kept encrypted in `targets.secret_encrypted` (JSON). */
export interface SshCredentials {
  private_key: string | null;
  password: string | null;
}

/** A host address before its keys are known. */
export interface SshAddress {
  host: string;
  port: number;
}

/** Reads the keys a host shows now (registration), as known_hosts lines and fingerprints. */
export type HostKeyScan = (address: SshAddress) => Promise<{ knownHosts: string; fingerprints: string[] }>;

/**
 * Checks that every host answers with these settings and that `deploy_to` can be written (on every
 * save); throws a GantryError saying which host and what is wrong.
 */
export type SshCheck = (config: SshConfig, credentials: SshCredentials) => Promise<void>;

export const DEFAULT_SSH_PORT = 22;
export const DEFAULT_KEEP_RELEASES = 5;
const MAX_HOSTS = 100;
const MAX_SECRET_LENGTH = 16_384;
const USER = /^[A-Za-z_][A-Za-z0-9._-]{0,31}$/;
const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;
const DEPLOY_TO = /^\/[A-Za-z0-9._/@+-]*$/;

/**
 * Merges settings given over a stored target's (on update; `stored` null on create) and validates
 * them; the host keys of hosts not stored yet are taken from `known_hosts` or scanned. Left-out
 * fields keep their stored value or default (port 22, parallelism 1, 5 releases kept).
 * @throws GantryError('validation_failed') naming the field.
 */
export async function mergeSshSettings(
  input: SshSettingsInput,
  stored: { config: SshConfig; credentials: SshCredentials } | null,
  scan: HostKeyScan,
): Promise<{ config: SshConfig; credentials: SshCredentials }> {
  const port = input.port ?? DEFAULT_SSH_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw invalid('/ssh/port', 'port is from 1 to 65535');
  const addresses = input.hosts
    ? parseHosts(input.hosts, port)
    : (stored?.config.hosts.map(({ host, port }) => ({ host, port })) ?? []);
  if (addresses.length === 0)
    throw invalid('/ssh/hosts', 'an ssh target needs hosts: at least one host[:port]');
  const user = input.user ?? stored?.config.user;
  if (user === undefined || !USER.test(user))
    throw invalid('/ssh/user', 'user is the login name on the hosts (letters, digits, . _ -)');
  const deployTo = input.deploy_to ?? stored?.config.deploy_to;
  const sample = deployTo === undefined ? undefined : samplePath(deployTo);
  if (sample === undefined || !DEPLOY_TO.test(sample) || sample === '/' || sample.split('/').includes('..'))
    throw invalid(
      '/ssh/deploy_to',
      'deploy_to is the absolute directory releases go to, such as /srv/shop (or /srv/shop-$CI_ENVIRONMENT_SLUG: one per environment)',
    );
  const parallelism = input.parallelism ?? stored?.config.parallelism ?? 1;
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > MAX_HOSTS)
    throw invalid('/ssh/parallelism', `parallelism is how many hosts switch at once, 1 to ${MAX_HOSTS}`);
  const keepReleases = input.keep_releases ?? stored?.config.keep_releases ?? DEFAULT_KEEP_RELEASES;
  if (!Number.isInteger(keepReleases) || keepReleases < 1 || keepReleases > 100)
    throw invalid('/ssh/keep_releases', 'keep_releases is from 1 to 100');
  const credentials = mergeSshCredentials(input, stored?.credentials ?? null, '/ssh');
  const hosts = await recordHostKeys(addresses, stored?.config.hosts ?? [], input, scan, '/ssh');
  return {
    config: {
      hosts,
      user,
      deploy_to: deployTo!.replace(/\/+$/, ''),
      parallelism,
      keep_releases: keepReleases,
      auth: [
        ...(credentials.private_key === null ? [] : ['private_key' as const]),
        ...(credentials.password === null ? [] : ['password' as const]),
      ],
    },
    credentials,
  };
}

/**
 * The hosts with their keys: a host already stored keeps the keys recorded for it (a changed key
 * is never taken silently) unless `rescan_host_keys`; others get theirs from `known_hosts` when
 * given, else read from the host now. `at` is the settings' path in the API (`/ssh`).
 */
export async function recordHostKeys(
  addresses: readonly SshAddress[],
  stored: readonly SshHostConfig[],
  input: Pick<SshSettingsInput, 'known_hosts' | 'rescan_host_keys'>,
  scan: HostKeyScan,
  at: string,
): Promise<SshHostConfig[]> {
  const given = input.known_hosts ? knownHostsByAddress(input.known_hosts, at) : null;
  const hosts: SshHostConfig[] = [];
  for (const address of addresses) {
    const recorded = stored.find((h) => h.host === address.host && h.port === address.port);
    if (recorded && !input.rescan_host_keys && given === null) {
      hosts.push(recorded);
      continue;
    }
    const lines = given?.get(hostPattern(address));
    if (given !== null && lines === undefined) {
      throw invalid(
        `${at}/known_hosts`,
        `known_hosts has no key for ${hostPattern(address)}: add its line, or leave known_hosts out to read the keys from the hosts`,
      );
    }
    const keys =
      lines === undefined ? await scan(address) : { knownHosts: lines.join('\n'), fingerprints: [] };
    if (keys.knownHosts.trim() === '')
      throw invalid(
        `${at}/hosts`,
        `${hostPattern(address)} showed no host key: is an SSH server listening there?`,
      );
    hosts.push({ ...address, known_hosts: keys.knownHosts, fingerprints: keys.fingerprints });
  }
  return hosts;
}

/** `host`, `host:port` or `[v6]:port` entries, the port defaulting to `port`. */
export function parseHosts(entries: readonly string[], port: number, at = '/ssh'): SshAddress[] {
  if (entries.length > MAX_HOSTS) throw invalid(`${at}/hosts`, `at most ${MAX_HOSTS} hosts`);
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const match = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(entry) ?? /^([^:[\]]+)(?::(\d{1,5}))?$/.exec(entry);
    const host = match?.[1];
    const entryPort = match?.[2] === undefined ? port : Number(match[2]);
    const bracketed = entry.startsWith('[');
    if (
      host === undefined ||
      !(bracketed ? IPV6.test(host) : HOST_NAME.test(host)) ||
      entryPort < 1 ||
      entryPort > 65_535
    ) {
      throw invalid(
        `${at}/hosts/${index}`,
        `a host is name, name:port or [ipv6]:port, got ${JSON.stringify(entry)}`,
      );
    }
    const key = `${host}:${entryPort}`;
    if (seen.has(key)) throw invalid(`${at}/hosts/${index}`, `${entry} is listed twice`);
    seen.add(key);
    return { host, port: entryPort };
  });
}

/** How known_hosts names a host: `host` on port 22, else `[host]:port`. */
export function hostPattern({ host, port }: SshAddress): string {
  return port === DEFAULT_SSH_PORT && !host.includes(':') ? host : `[${host}]:${port}`;
}

/** Reads a stored SSH target configuration; throws when it is not one. */
export function parseSshConfig(json: string): SshConfig {
  const value = JSON.parse(json) as Partial<SshConfig>;
  if (!Array.isArray(value.hosts) || typeof value.user !== 'string' || typeof value.deploy_to !== 'string') {
    throw new Error('the target configuration is not an SSH one');
  }
  return {
    hosts: value.hosts,
    user: value.user,
    deploy_to: value.deploy_to,
    parallelism: value.parallelism ?? 1,
    keep_releases: value.keep_releases ?? DEFAULT_KEEP_RELEASES,
    auth: value.auth ?? [],
  };
}

/** Reads decrypted credentials (none stored: neither key nor password). */
export function parseSshCredentials(json: string | null): SshCredentials {
  const value = (json === null ? {} : JSON.parse(json)) as { private_key?: unknown; password?: unknown };
  return {
    private_key: typeof value.private_key === 'string' ? value.private_key : null,
    password: typeof value.password === 'string' ? value.password : null,
  };
}

/** The key and password given over the stored ones (`null` or `''` removes one); at least one is needed. */
export function mergeSshCredentials(
  input: Pick<SshSettingsInput, 'private_key' | 'password'>,
  stored: SshCredentials | null,
  at: string,
): SshCredentials {
  const key = input.private_key === undefined ? (stored?.private_key ?? null) : input.private_key || null;
  const password = input.password === undefined ? (stored?.password ?? null) : input.password || null;
  if (key !== null && (key.length > MAX_SECRET_LENGTH || !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)))
    throw invalid(`${at}/private_key`, 'private_key must be a private key in PEM or OpenSSH format');
  if (password !== null && (password.length > 1024 || /[\r\n]/.test(password)))
    throw invalid(`${at}/password`, 'password is one line of at most 1024 characters');
  if (key === null && password === null)
    throw invalid(`${at}/private_key`, `an ${at.slice(1)} target needs private_key or password`);
  return { private_key: key, password };
}

/** known_hosts lines by the host pattern they name (comments and markers left out). */
function knownHostsByAddress(text: string, at: string): Map<string, string[]> {
  const byHost = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('@')) continue;
    const [names, type, key] = trimmed.split(/\s+/);
    if (!names || !type || !key)
      throw invalid(
        `${at}/known_hosts`,
        `known_hosts lines are "host type key", got ${JSON.stringify(trimmed)}`,
      );
    for (const name of names.split(','))
      byHost.set(name, [...(byHost.get(name) ?? []), `${name} ${type} ${key}`]);
  }
  return byHost;
}

function invalid(path: string, message: string): GantryError {
  return new GantryError('validation_failed', message, [{ path, message }]);
}
