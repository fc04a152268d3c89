import { join } from 'node:path';

/** The files of a run's private directory that ansible-playbook and its ssh read. */
export interface EnvironmentFiles {
  /** The run's private 0700 directory: HOME, Ansible's local temp dir. */
  dir: string;
  /** The ansible.cfg written from {@link ansibleConfig}. */
  config: string;
  /** The askpass program and the 0600 password file it prints, when logging in with a password. */
  askpass: { program: string; passwordFile: string } | null;
}

/**
 * ansible.cfg for a run. It is named by ANSIBLE_CONFIG, so no ansible.cfg of the repository (the
 * working directory), of HOME or of /etc is read: a repository cannot turn host-key checking off,
 * change the output format the recap is read from, or load callback plugins.
 */
export function ansibleConfig(dir: string): string {
  return [
    '[defaults]',
    'host_key_checking = True',
    'stdout_callback = default',
    'nocolor = True',
    'force_color = False',
    'retry_files_enabled = False',
    // Ansible's own temp files stay in the run's directory, removed with it.
    `local_tmp = ${join(dir, 'tmp')}`,
    // The host's Python is found without a warning on every host.
    'interpreter_python = auto_silent',
    '',
    '[ssh_connection]',
    // One ssh session per task, and no ControlPersist master left running after the run.
    'pipelining = True',
    '',
  ].join('\n');
}

/**
 * ansible-playbook's whole environment: nothing of Gantry's own (its secrets stay out of reach of
 * `lookup('env')`), HOME in the run's directory (no ~/.ssh, ~/.ansible of the Gantry user), a UTF-8
 * locale (Ansible refuses any other), no colour, and for passwords the askpass program ssh calls.
 */
export function ansibleEnvironment(files: EnvironmentFiles): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: files.dir,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    ANSIBLE_CONFIG: files.config,
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_FORCE_COLOR: '0',
    ANSIBLE_NOCOLOR: '1',
    PYTHONUNBUFFERED: '1',
    ...(files.askpass === null
      ? {}
      : {
          // Ansible's own password support needs sshpass; ssh asks this program instead.
          SSH_ASKPASS: files.askpass.program,
          SSH_ASKPASS_REQUIRE: 'force',
          GANTRY_SSH_PASSWORD_FILE: files.askpass.passwordFile,
        }),
  };
}
