/** The files a connection's ssh reads: the recorded host keys, and the key when it logs in with one. */
export interface SshClientFiles {
  knownHosts: string;
  /** The 0600 private key file; null to log in with a password (prompts answered by SSH_ASKPASS). */
  identity: string | null;
}

const DEFAULT_CONNECT_TIMEOUT_SECONDS = 15;

/**
 * The OpenSSH client options every connection Gantry makes shares (ssh, sftp, Ansible's ssh): host
 * keys checked strictly against the recorded lines only, never learned or updated; no agent, no
 * forwarding; keepalives; and either the key alone in batch mode, or password prompts only (batch
 * mode off, since `sftp -b` would otherwise turn it on and every prompt off). One list, so the
 * security options cannot drift apart between the three.
 */
export function strictSshOptions(files: SshClientFiles, connectTimeoutSeconds?: number): string[] {
  return [
    'StrictHostKeyChecking=yes',
    `UserKnownHostsFile=${files.knownHosts}`,
    'GlobalKnownHostsFile=/dev/null',
    'UpdateHostKeys=no',
    'CheckHostIP=no',
    `ConnectTimeout=${connectTimeoutSeconds ?? DEFAULT_CONNECT_TIMEOUT_SECONDS}`,
    'ServerAliveInterval=15',
    'ServerAliveCountMax=4',
    'IdentityAgent=none',
    'ForwardAgent=no',
    'ForwardX11=no',
    'ClearAllForwardings=yes',
    ...(files.identity !== null
      ? [
          'BatchMode=yes',
          'IdentitiesOnly=yes',
          `IdentityFile=${files.identity}`,
          'PasswordAuthentication=no',
          'KbdInteractiveAuthentication=no',
        ]
      : [
          'BatchMode=no',
          'PubkeyAuthentication=no',
          'PasswordAuthentication=yes',
          'KbdInteractiveAuthentication=yes',
          'PreferredAuthentications=password,keyboard-interactive',
          'NumberOfPasswordPrompts=1',
        ]),
  ];
}
