import { shellQuote } from '../ssh/shell-quote.ts';
import { strictSshOptions } from '../ssh/ssh-options.ts';

/** How Ansible logs in to every host of a target: a private key, or else a password. */
export interface AnsibleCredentials {
  /** The private key (OpenSSH or PEM text), or null to log in with {@link password}. */
  privateKey: string | null;
  password: string | null;
}

/** The files of a run's private directory that ssh reads. */
export interface ConnectionFiles {
  knownHosts: string;
  /** The 0600 key file, when logging in with a key. */
  privateKey: string | null;
}

/** The OpenSSH client Ansible must run (Debian's openssh-client). */
export const SSH_EXECUTABLE = '/usr/bin/ssh';

/**
 * The extra vars that fix how Ansible's ssh connection logs in: strict host-key checking against the
 * recorded keys only, no user or system ssh config, no agent or forwarding, and either the key file
 * or password prompts answered by SSH_ASKPASS (see ansible-environment.ts), never sshpass.
 *
 * They are extra vars because those win over everything a repository can set (inventory and
 * `group_vars/`, play and task vars). The options go into `ansible_ssh_args`, which Ansible puts
 * first on ssh's command line, and ssh keeps the first value of each option: before Ansible's own
 * `PasswordAuthentication=no` (added whenever `ansible_password` is unset) and before anything
 * else. `ansible_ssh_common_args` and `ansible_ssh_extra_args` are emptied so nothing follows them.
 */
export function connectionVars(files: ConnectionFiles): Record<string, string | boolean> {
  const options = strictSshOptions({ knownHosts: files.knownHosts, identity: files.privateKey });
  return {
    // A repository's vars could otherwise swap the connection plugin (paramiko, local) or the ssh
    // program itself (one that reads the key and skips host-key checks): both are pinned here.
    ansible_connection: 'ssh',
    ansible_ssh_executable: SSH_EXECUTABLE,
    // File copies go through that same ssh (`dd` over its session), never an sftp or scp program a
    // repository could name.
    ansible_ssh_transfer_method: 'piped',
    ansible_host_key_checking: true,
    // Ansible splits it like a shell would, so paths with spaces are quoted.
    ansible_ssh_args: ['-F', 'none', ...options.flatMap((option) => ['-o', shellQuote(option)])].join(' '),
    ansible_ssh_common_args: '',
    ansible_ssh_extra_args: '',
    ...(files.privateKey !== null ? { ansible_ssh_private_key_file: files.privateKey } : {}),
  };
}
