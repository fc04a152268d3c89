import { isIP } from 'node:net';
import { GantryError } from '../../domain/errors.ts';
import { DEFAULT_PODMAN_ULIMITS } from '../../runner/executor/podman-executor.ts';

/**
 * A Podman target as an administrator or maintainer registers it. Without `url` it is the Gantry
 * server's own host; `url` names another Podman service (`ssh://user@host[:port]/run/podman/podman.sock`,
 * reached with `ssh_key`, or a local `unix:///path/podman.sock`). `ssh_key` is the secret part,
 * stored encrypted and never shown; `null` removes it.
 */
export interface PodmanSettingsInput {
  url?: string | null;
  ssh_key?: string | null;
  runtime?: string;
  cgroup_manager?: string;
  ulimits?: string[];
  publish_address?: string;
  tls_verify?: boolean;
}

/** The non-secret settings kept in `targets.config` (JSON). */
export interface PodmanConfig {
  /** The Podman service (`podman --url`); null for the Gantry server's host. */
  url: string | null;
  /** OCI runtime (containers.conf `runtime`); empty leaves Podman's own choice. */
  runtime: string;
  /** `cgroupfs` or `systemd`; empty leaves Podman's own choice. */
  cgroup_manager: string;
  /** Default rlimits of every container (`nofile=1024:1024`); empty leaves Podman's defaults. */
  ulimits: string[];
  /** The address container ports are published on (hostIP of ports without one). */
  publish_address: string;
  /** Whether pulls from registries need HTTPS with a verified certificate. */
  tls_verify: boolean;
  /** What the host reported when the target was last checked (on save). */
  version: string | null;
}

/** The secret settings kept encrypted in `targets.secret_encrypted` (JSON). */
export interface PodmanCredentials {
  ssh_key: string | null;
}

/**
 * Checks that the Podman host answers with these settings (on every save of a Podman target),
 * returning the version it reported; throws a GantryError saying what is wrong.
 */
export type PodmanCheck = (
  config: PodmanConfig,
  credentials: PodmanCredentials,
) => Promise<{ version: string }>;

export const DEFAULT_PUBLISH_ADDRESS = '127.0.0.1';

const SSH_URL = /^ssh:\/\/(?:[A-Za-z0-9._-]+@)?(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?\/\S*$/;
const UNIX_URL = /^unix:\/\/\/\S+$/;
const RUNTIME = /^[A-Za-z0-9._/-]*$/;
const ULIMIT = /^[a-z]+=-?\d+(?::-?\d+)?$/;
const MAX_KEY_LENGTH = 16_384;

/**
 * Merges settings given over a stored target's (on update; `stored` null on create) and validates
 * them. Left-out fields keep their stored value or default: runc, cgroupfs, Gantry's rlimits,
 * 127.0.0.1, TLS verified. An `ssh://` URL needs an SSH private key; other URLs take none.
 * @throws GantryError('validation_failed') naming the field.
 */
export function mergePodmanSettings(
  input: PodmanSettingsInput,
  stored: { config: PodmanConfig; credentials: PodmanCredentials } | null,
): { config: PodmanConfig; credentials: PodmanCredentials } {
  const url = input.url === undefined ? (stored?.config.url ?? null) : input.url || null;
  if (url !== null && !SSH_URL.test(url) && !UNIX_URL.test(url)) {
    throw invalid(
      '/podman/url',
      `url must be ssh://user@host[:port]/path/to/podman.sock or unix:///path/to/podman.sock, got ${JSON.stringify(url)}`,
    );
  }
  const sshKey = input.ssh_key === undefined ? (stored?.credentials.ssh_key ?? null) : input.ssh_key || null;
  if (sshKey !== null) {
    if (sshKey.length > MAX_KEY_LENGTH || !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(sshKey)) {
      throw invalid('/podman/ssh_key', 'ssh_key must be a private key in PEM or OpenSSH format');
    }
  }
  const ssh = url?.startsWith('ssh://') ?? false;
  if (ssh && sshKey === null)
    throw invalid('/podman/ssh_key', 'an ssh:// url needs ssh_key, the private key');
  if (!ssh && input.ssh_key) throw invalid('/podman/ssh_key', 'ssh_key is only for ssh:// urls');
  const runtime = input.runtime ?? stored?.config.runtime ?? 'runc';
  if (!RUNTIME.test(runtime) || runtime.length > 255) {
    throw invalid(
      '/podman/runtime',
      'runtime is a runtime name or path (runc, crun, /usr/bin/runc), or empty',
    );
  }
  const cgroupManager = input.cgroup_manager ?? stored?.config.cgroup_manager ?? 'cgroupfs';
  if (!['', 'cgroupfs', 'systemd'].includes(cgroupManager)) {
    throw invalid('/podman/cgroup_manager', 'cgroup_manager is cgroupfs, systemd or empty');
  }
  const ulimits = input.ulimits ?? stored?.config.ulimits ?? [...DEFAULT_PODMAN_ULIMITS];
  for (const [index, ulimit] of ulimits.entries()) {
    if (!ULIMIT.test(ulimit)) {
      throw invalid(
        `/podman/ulimits/${index}`,
        `a ulimit is name=soft[:hard] such as nofile=1024:1024, got ${JSON.stringify(ulimit)}`,
      );
    }
  }
  const publishAddress = input.publish_address ?? stored?.config.publish_address ?? DEFAULT_PUBLISH_ADDRESS;
  if (isIP(publishAddress) === 0) {
    throw invalid(
      '/podman/publish_address',
      `publish_address is an IP address such as 127.0.0.1 or 0.0.0.0, got ${JSON.stringify(publishAddress)}`,
    );
  }
  return {
    config: {
      url,
      runtime,
      cgroup_manager: cgroupManager,
      ulimits,
      publish_address: publishAddress,
      tls_verify: input.tls_verify ?? stored?.config.tls_verify ?? true,
      version: stored?.config.version ?? null,
    },
    credentials: { ssh_key: ssh ? sshKey : null },
  };
}

/** Reads a stored Podman target configuration; throws when it is not one. */
export function parsePodmanConfig(json: string): PodmanConfig {
  const value = JSON.parse(json) as Partial<PodmanConfig>;
  if (typeof value.publish_address !== 'string' || !Array.isArray(value.ulimits)) {
    throw new Error('the target configuration is not a Podman one');
  }
  return {
    url: value.url ?? null,
    runtime: value.runtime ?? 'runc',
    cgroup_manager: value.cgroup_manager ?? 'cgroupfs',
    ulimits: value.ulimits.map(String),
    publish_address: value.publish_address,
    tls_verify: value.tls_verify ?? true,
    version: value.version ?? null,
  };
}

/** Reads decrypted credentials (none stored: no key). */
export function parsePodmanCredentials(json: string | null): PodmanCredentials {
  if (json === null) return { ssh_key: null };
  const value = JSON.parse(json) as { ssh_key?: unknown };
  return { ssh_key: typeof value.ssh_key === 'string' ? value.ssh_key : null };
}

function invalid(path: string, message: string): GantryError {
  return new GantryError('validation_failed', message, [{ path, message }]);
}
