import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ansibleConfig, ansibleEnvironment } from './ansible-environment.ts';
import { type AnsibleGroups, type AnsibleHost, inventoryFile, knownHostsFile } from './ansible-inventory.ts';
import { type AnsibleCredentials, connectionVars } from './connection-vars.ts';

/** What a run's private directory holds. */
export interface WorkspaceContents {
  hosts: readonly AnsibleHost[];
  groups: AnsibleGroups;
  credentials: AnsibleCredentials;
  extraVars: Record<string, string>;
}

/** A run's private directory, and how ansible-playbook is pointed at it. */
export interface PlaybookWorkspace {
  dir: string;
  /** `-i inventory -e @vars -e @connection`: the environment's vars first, the connection's last (they win). */
  args: string[];
  env: Record<string, string>;
  /** Deletes the directory, key and password included; safe to call twice. */
  remove(): Promise<void>;
}

/**
 * Writes a run's inventory, known hosts, key or password, extra vars and ansible.cfg into a new
 * 0700 directory under `scratchDir` (secrets 0600). The key and password never appear on a command
 * line or in the environment. Nothing is left behind when writing fails.
 */
export async function createPlaybookWorkspace(
  scratchDir: string,
  contents: WorkspaceContents,
): Promise<PlaybookWorkspace> {
  const dir = await mkdtemp(join(scratchDir, 'ansible-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    await chmod(dir, 0o700);
    await mkdir(join(dir, 'tmp'), { mode: 0o700 });
    const file = async (name: string, text: string, mode = 0o600) => {
      await writeFile(join(dir, name), text, { mode });
      return join(dir, name);
    };
    const { privateKey, password } = contents.credentials;
    const knownHosts = await file('known_hosts', knownHostsFile(contents.hosts));
    const keyFile = privateKey === null ? null : await file('identity', endsWithNewline(privateKey));
    const askpass =
      keyFile !== null
        ? null
        : {
            passwordFile: await file('password', password ?? ''),
            // Prints the password from its file, so it is never in an environment or on a command line.
            program: await file('askpass', '#!/bin/sh\nexec cat "$GANTRY_SSH_PASSWORD_FILE"\n', 0o700),
          };
    const inventory = await file('inventory.yml', inventoryFile(contents.hosts, contents.groups));
    const extraVars = await file('extra-vars.json', JSON.stringify(contents.extraVars));
    const connection = await file(
      'connection-vars.json',
      JSON.stringify(connectionVars({ knownHosts, privateKey: keyFile })),
    );
    const config = await file('ansible.cfg', ansibleConfig(dir));
    return {
      dir,
      args: ['-i', inventory, '-e', `@${extraVars}`, '-e', `@${connection}`],
      env: ansibleEnvironment({ dir, config, askpass }),
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}

function endsWithNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
