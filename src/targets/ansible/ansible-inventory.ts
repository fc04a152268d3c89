import { endpointProblem } from '../ssh/ssh-endpoint.ts';
import type { AnsibleCredentials } from './connection-vars.ts';

/** One host of an Ansible target's inventory, reached over SSH like an SSH target's host. */
export interface AnsibleHost {
  /** The inventory name plays and `host_vars/` refer to. */
  name: string;
  host: string;
  port: number;
  user: string;
  /** The host's known_hosts lines, recorded at registration; the only keys it may present. */
  knownHosts: string;
}

/** Group name → the inventory names of its hosts. */
export type AnsibleGroups = Record<string, readonly string[]>;

const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** Ansible warns about (and may mangle) group names that are not Python identifiers. */
const GROUP_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Groups every inventory already has. */
const IMPLICIT_GROUPS = new Set(['all', 'ungrouped']);

/**
 * What is wrong with an inventory, or undefined when Ansible can use it: host names that are not
 * unique or not names, SSH fields `ssh` would misread, group names that are not identifiers or that
 * name a host, and groups listing hosts the inventory lacks.
 */
export function inventoryProblem(
  hosts: readonly AnsibleHost[],
  groups: AnsibleGroups,
  credentials: AnsibleCredentials,
): string | undefined {
  if (hosts.length === 0) return 'the inventory has no hosts';
  const names = new Set<string>();
  for (const host of hosts) {
    if (!HOST_NAME.test(host.name))
      return `inventory host name ${JSON.stringify(host.name)} must be letters, digits, '.', '_' or '-'`;
    if (names.has(host.name)) return `inventory host name ${JSON.stringify(host.name)} is used twice`;
    names.add(host.name);
    const problem = endpointProblem({ ...host, ...credentials });
    if (problem !== undefined) return `inventory host ${host.name}: ${problem}`;
  }
  for (const [group, members] of Object.entries(groups)) {
    if (!GROUP_NAME.test(group) || IMPLICIT_GROUPS.has(group))
      return `inventory group name ${JSON.stringify(group)} must be letters, digits and '_' (not starting with a digit), and not "all" or "ungrouped"`;
    if (names.has(group)) return `inventory group ${group} has the name of a host`;
    const unknown = members.find((member) => !names.has(member));
    if (unknown !== undefined)
      return `inventory group ${group} lists ${JSON.stringify(unknown)}, which is not a host`;
  }
  return undefined;
}

/**
 * The inventory as a YAML inventory file (written as JSON, which YAML reads): each host with its
 * address, port and user; groups as children of `all`. The way in (key, known hosts) is not here:
 * it goes into extra vars, which playbooks cannot override (see connection-vars.ts).
 */
export function inventoryFile(hosts: readonly AnsibleHost[], groups: AnsibleGroups): string {
  const inventory = {
    all: {
      hosts: Object.fromEntries(
        hosts.map((host) => [
          host.name,
          { ansible_host: host.host, ansible_port: host.port, ansible_user: host.user },
        ]),
      ),
      children: Object.fromEntries(
        Object.entries(groups).map(([group, members]) => [
          group,
          { hosts: Object.fromEntries(members.map((member) => [member, {}])) },
        ]),
      ),
    },
  };
  return `${JSON.stringify(inventory, null, 2)}\n`;
}

/** Every host's recorded known_hosts lines, as one known_hosts file. */
export function knownHostsFile(hosts: readonly AnsibleHost[]): string {
  return hosts
    .map((host) => host.knownHosts.trim())
    .filter((lines) => lines !== '')
    .map((lines) => `${lines}\n`)
    .join('');
}
