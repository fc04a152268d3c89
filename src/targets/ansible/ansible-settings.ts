import { GantryError } from '../../domain/errors.ts';
import { SshConnection } from '../ssh/ssh-connection.ts';
import { endpointLogin } from '../ssh/ssh-endpoint.ts';
import {
  DEFAULT_SSH_PORT,
  type HostKeyScan,
  mergeSshCredentials,
  parseHosts,
  parseSshCredentials,
  recordHostKeys,
  type SshCredentials,
  type SshHostConfig,
} from '../ssh/ssh-settings.ts';
import { scanTargetHostKeys } from '../ssh/ssh-target-check.ts';
import type { TargetSettings } from '../target-settings.ts';
import { inventoryProblem } from './ansible-inventory.ts';

/**
 * An Ansible target as registered: the inventory (hosts, each `name=host:port` or `host:port`,
 * and groups of them) and the login, reached over SSH as SSH targets are — host keys recorded on
 * save, the key or password stored encrypted.
 */
export interface AnsibleSettingsInput {
  hosts?: string[];
  groups?: Record<string, string[]>;
  user?: string;
  port?: number;
  private_key?: string | null;
  password?: string | null;
  known_hosts?: string | null;
  rescan_host_keys?: boolean;
}

/** One inventory host as stored. */
export interface AnsibleHostConfig extends SshHostConfig {
  /** The inventory name plays, `host_vars/` and groups refer to. */
  name: string;
}

/** The non-secret settings kept in `targets.config` (JSON), as the API shows them. */
export interface AnsibleConfig {
  hosts: AnsibleHostConfig[];
  groups: Record<string, string[]>;
  user: string;
  auth: ('private_key' | 'password')[];
}

const USER = /^[A-Za-z_][A-Za-z0-9._-]{0,31}$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const GROUP = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const CHECK_TIMEOUT_MS = 30_000;

/**
 * Merges settings over stored ones (`stored` null on create), validates the inventory and records
 * the keys of hosts new to it (kept on later saves unless `rescan_host_keys`).
 * @throws GantryError('validation_failed') naming the field.
 */
export async function mergeAnsibleSettings(
  input: AnsibleSettingsInput,
  stored: { config: AnsibleConfig; credentials: SshCredentials } | null,
  scan: HostKeyScan,
): Promise<{ config: AnsibleConfig; credentials: SshCredentials }> {
  const port = input.port ?? DEFAULT_SSH_PORT;
  const entries = input.hosts?.map((entry, index) => {
    const named = /^([^=]+)=(.+)$/.exec(entry);
    return { index, name: named?.[1] ?? null, address: named?.[2] ?? entry };
  });
  const addresses = entries
    ? parseHosts(
        entries.map((entry) => entry.address),
        port,
        '/ansible',
      )
    : (stored?.config.hosts ?? []);
  if (addresses.length === 0)
    throw invalid('/ansible/hosts', 'an ansible target needs hosts: at least one [name=]host[:port]');
  const names = addresses.map((address, index) => {
    const name = entries
      ? (entries[index]!.name ?? address.host.replaceAll(':', '-'))
      : stored!.config.hosts[index]!.name;
    if (!NAME.test(name))
      throw invalid(
        `/ansible/hosts/${index}`,
        `an inventory name is letters, digits, _ . -, got ${JSON.stringify(name)}`,
      );
    return name;
  });
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined)
    throw invalid('/ansible/hosts', `the inventory name ${duplicate} is used twice`);
  const groups = input.groups ?? stored?.config.groups ?? {};
  for (const [group, members] of Object.entries(groups)) {
    if (!GROUP.test(group) || group === 'all' || group === 'ungrouped')
      throw invalid(
        `/ansible/groups/${group}`,
        `a group name is letters, digits and _ (not all or ungrouped), got ${JSON.stringify(group)}`,
      );
    const unknown = members.find((member) => !names.includes(member));
    if (unknown !== undefined)
      throw invalid(
        `/ansible/groups/${group}`,
        `group ${group} names ${unknown}, which is not one of the hosts`,
      );
  }
  const user = input.user ?? stored?.config.user;
  if (user === undefined || !USER.test(user))
    throw invalid('/ansible/user', 'user is the login name on the hosts (letters, digits, . _ -)');
  const credentials = mergeSshCredentials(input, stored?.credentials ?? null, '/ansible');
  // What a run would refuse (a group named like a host…) is refused now, before anything is saved.
  const problem = inventoryProblem(
    addresses.map((address, index) => ({
      ...address,
      name: names[index]!,
      user,
      knownHosts: 'checked later',
    })),
    groups,
    { privateKey: credentials.private_key, password: credentials.password },
  );
  if (problem !== undefined) throw invalid('/ansible/groups', problem);
  const keyed = await recordHostKeys(addresses, stored?.config.hosts ?? [], input, scan, '/ansible');
  return {
    config: {
      hosts: keyed.map((host, index) => ({ name: names[index]!, ...host })),
      groups,
      user,
      auth: [
        ...(credentials.private_key === null ? [] : ['private_key' as const]),
        ...(credentials.password === null ? [] : ['password' as const]),
      ],
    },
    credentials,
  };
}

/**
 * The settings of Ansible targets. Every save logs in to each host with its recorded key and
 * checks that Python 3 is there (Ansible's modules need it on the hosts).
 */
export function ansibleTargetSettings(
  scratchDir: string,
  scan: HostKeyScan = scanTargetHostKeys,
): TargetSettings<AnsibleConfig, SshCredentials> {
  return {
    kind: 'ansible',
    async save(input, stored) {
      const merged = await mergeAnsibleSettings(input as AnsibleSettingsInput, stored, scan);
      for (const host of merged.config.hosts) {
        const endpoint = {
          host: host.host,
          port: host.port,
          user: merged.config.user,
          knownHosts: host.known_hosts,
          privateKey: merged.credentials.private_key,
          password: merged.credentials.password,
        };
        const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
        let connection: SshConnection;
        try {
          connection = await SshConnection.open(endpoint, { scratchDir, signal });
        } catch (error) {
          throw new GantryError('validation_failed', (error as Error).message);
        }
        try {
          const python = await connection.run('command -v python3', { signal }).catch((error: unknown) => {
            throw new GantryError('validation_failed', (error as Error).message);
          });
          if (python.code !== 0)
            throw new GantryError(
              'validation_failed',
              `${endpointLogin(endpoint)} has no python3, which Ansible needs on its hosts`,
            );
        } finally {
          await connection.close();
        }
      }
      return merged;
    },
    parseConfig(json) {
      const value = JSON.parse(json) as Partial<AnsibleConfig>;
      if (!Array.isArray(value.hosts) || typeof value.user !== 'string')
        throw new Error('the target configuration is not an Ansible one');
      return { hosts: value.hosts, groups: value.groups ?? {}, user: value.user, auth: value.auth ?? [] };
    },
    parseCredentials: parseSshCredentials,
  };
}

function invalid(path: string, message: string): GantryError {
  return new GantryError('validation_failed', message, [{ path, message }]);
}
