import { GantryError } from '../../domain/errors.ts';
import { fixedDirectory, samplePath } from '../environment-path.ts';
import { endpointAddress } from '../ssh/ssh-endpoint.ts';
import { SshError } from '../ssh/ssh-error.ts';
import {
  DEFAULT_KEEP_RELEASES,
  DEFAULT_SSH_PORT,
  type HostKeyScan,
  mergeSshCredentials,
  parseHosts,
  parseSshCredentials,
  recordHostKeys,
  type SshCredentials,
} from '../ssh/ssh-settings.ts';
import { scanTargetHostKeys } from '../ssh/ssh-target-check.ts';
import type { TargetSettings } from '../target-settings.ts';
import { checkedRemoteDir } from './release-state.ts';
import { makeDirCommands } from './remote-tree.ts';
import { detectRenameSupport, publishModeFor } from './rename-support.ts';
import { runSftpBatch } from './sftp-client.ts';

/**
 * An SFTP target as registered: one server, the login, and the directory releases go to
 * (absolute, or relative to the login directory). The host key is recorded on save, as for SSH
 * targets; the key or password is stored encrypted.
 */
export interface SftpSettingsInput {
  host?: string;
  port?: number;
  user?: string;
  remote_dir?: string;
  keep_releases?: number;
  private_key?: string | null;
  password?: string | null;
  known_hosts?: string | null;
  rescan_host_keys?: boolean;
}

/** The non-secret settings kept in `targets.config` (JSON), as the API shows them. */
export interface SftpConfig {
  host: string;
  port: number;
  user: string;
  remote_dir: string;
  keep_releases: number;
  known_hosts: string;
  fingerprints: string[];
  auth: ('private_key' | 'password')[];
  /** What the server allowed at the last save: atomic releases, or a plain sync. */
  mode: 'release' | 'sync' | null;
}

const USER = /^[A-Za-z_][A-Za-z0-9._-]{0,31}$/;
const CHECK_TIMEOUT_MS = 30_000;

/**
 * Merges settings over stored ones (`stored` null on create), validates them and records the
 * server's host key (kept on later saves unless `rescan_host_keys`).
 * @throws GantryError('validation_failed') naming the field.
 */
export async function mergeSftpSettings(
  input: SftpSettingsInput,
  stored: { config: SftpConfig; credentials: SshCredentials } | null,
  scan: HostKeyScan,
): Promise<{ config: SftpConfig; credentials: SshCredentials }> {
  const entry = input.host ?? (stored ? endpointAddress(stored.config) : undefined);
  if (entry === undefined)
    throw invalid('/sftp/host', 'an sftp target needs host: the server, host or host:port');
  const [address] = parseHosts([entry], input.port ?? stored?.config.port ?? DEFAULT_SSH_PORT, '/sftp');
  const user = input.user ?? stored?.config.user;
  if (user === undefined || !USER.test(user))
    throw invalid('/sftp/user', 'user is the login name on the server (letters, digits, . _ -)');
  const remoteDir = input.remote_dir ?? stored?.config.remote_dir;
  try {
    if (remoteDir === undefined) throw new SshError('invalid', 'remote_dir is required');
    checkedRemoteDir(samplePath(remoteDir));
  } catch (error) {
    throw invalid(
      '/sftp/remote_dir',
      `remote_dir is the directory releases go to, such as /upload/site: ${(error as Error).message}`,
    );
  }
  const keepReleases = input.keep_releases ?? stored?.config.keep_releases ?? DEFAULT_KEEP_RELEASES;
  if (!Number.isInteger(keepReleases) || keepReleases < 1 || keepReleases > 100)
    throw invalid('/sftp/keep_releases', 'keep_releases is from 1 to 100');
  const credentials = mergeSshCredentials(input, stored?.credentials ?? null, '/sftp');
  const storedHost = stored
    ? [
        {
          host: stored.config.host,
          port: stored.config.port,
          known_hosts: stored.config.known_hosts,
          fingerprints: stored.config.fingerprints,
        },
      ]
    : [];
  const [host] = await recordHostKeys([address!], storedHost, input, scan, '/sftp');
  return {
    config: {
      host: host!.host,
      port: host!.port,
      user,
      remote_dir: remoteDir!,
      keep_releases: keepReleases,
      known_hosts: host!.known_hosts,
      fingerprints: host!.fingerprints,
      auth: [
        ...(credentials.private_key === null ? [] : ['private_key' as const]),
        ...(credentials.password === null ? [] : ['password' as const]),
      ],
      mode: stored?.config.mode ?? null,
    },
    credentials,
  };
}

/** The endpoint an SFTP target's settings describe. */
export function sftpEndpoint(config: SftpConfig, credentials: SshCredentials) {
  return {
    host: config.host,
    port: config.port,
    user: config.user,
    knownHosts: config.known_hosts,
    privateKey: credentials.private_key,
    password: credentials.password,
  };
}

/**
 * The settings of SFTP targets. Every save logs in with the recorded key, makes `remote_dir` when
 * missing and probes whether the server allows the atomic release switch (symlinks, replacing
 * renames), kept as `mode`.
 */
export function sftpTargetSettings(
  scratchDir: string,
  scan: HostKeyScan = scanTargetHostKeys,
): TargetSettings<SftpConfig, SshCredentials> {
  return {
    kind: 'sftp',
    async save(input, stored) {
      const merged = await mergeSftpSettings(input as SftpSettingsInput, stored, scan);
      const endpoint = sftpEndpoint(merged.config, merged.credentials);
      const options = { scratchDir, signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) };
      try {
        const dir = fixedDirectory(merged.config.remote_dir);
        await runSftpBatch(endpoint, makeDirCommands(dir), { ...options, purpose: `make ${dir}` });
        const mode = publishModeFor(await detectRenameSupport(endpoint, dir, options));
        return { ...merged, config: { ...merged.config, mode } };
      } catch (error) {
        throw new GantryError('validation_failed', (error as Error).message);
      }
    },
    parseConfig(json) {
      const value = JSON.parse(json) as Partial<SftpConfig>;
      if (typeof value.host !== 'string' || typeof value.remote_dir !== 'string')
        throw new Error('the target configuration is not an SFTP one');
      return value as SftpConfig;
    },
    parseCredentials: parseSshCredentials,
  };
}

function invalid(path: string, message: string): GantryError {
  return new GantryError('validation_failed', message, [{ path, message }]);
}
