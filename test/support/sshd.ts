import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SupervisedProcess, supervisedArgv } from '../../src/targets/podman/supervised-process.ts';
import type { SshEndpoint } from '../../src/targets/ssh/ssh-endpoint.ts';
import { skipOutsideCi } from '../runner/real-dependency.ts';
import { freePort } from './free-port.ts';

/** Where Debian's openssh-server installs the daemon (it must be started by its absolute path). */
export const SSHD_BINARY = '/usr/sbin/sshd';

/** The Linux user that logs in with a password (created on first use, kept: other runs share it). */
export const SSHD_PASSWORD_USER = 'gantry-ssh-test';

/** A running throwaway OpenSSH server on loopback. */
export interface RunningSshd {
  host: '127.0.0.1';
  port: number;
  /** The user of key logins: root. */
  user: string;
  /** The private key (OpenSSH format) authorized for {@link user}. */
  privateKey: string;
  /** The server's known_hosts lines for `[127.0.0.1]:port` (updated by {@link rotateHostKey}). */
  knownHosts: string;
  /** The user allowed to log in with {@link password} (and only with it). */
  passwordUser: string;
  password: string;
  /** The server's private host key file. */
  hostKeyFile: string;
  /** Stops the server and deletes its files; safe to call twice. */
  stop(): Promise<void>;
  /** Restarts the server on the same port with a new host key; returns (and stores) its known_hosts lines. */
  rotateHostKey(): Promise<string>;
}

/** How Gantry logs in to a server as its key user: its address, recorded keys (as they are now) and key. */
export function keyLoginOf(server: RunningSshd): SshEndpoint {
  return {
    host: server.host,
    port: server.port,
    user: server.user,
    knownHosts: server.knownHosts,
    privateKey: server.privateKey,
    password: null,
  };
}

/** Why no sshd can run here, or undefined when it can. */
export function sshdUnavailableReason(): string | undefined {
  if (!existsSync(SSHD_BINARY)) {
    return `${SSHD_BINARY} not found: install openssh-server (bash scripts/setup.sh --test)`;
  }
  if (process.getuid?.() !== 0)
    return 'sshd tests run sshd as root (to log in as root and as a password user)';
  return undefined;
}

/**
 * The options for `describe(name, options, …)`: skip outside CI when no sshd can run. In CI the suite
 * runs and fails, since {@link startSshd} then throws.
 */
export function sshdSuiteOptions(): { skip?: string } {
  const reason = sshdUnavailableReason();
  return skipOutsideCi(reason);
}

const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const PORT_ATTEMPTS = 5;

/**
 * Starts `sshd -D -e` as root on a free loopback port with its own config, host key and authorized
 * key in a temp dir. Root logs in with the returned key; {@link SSHD_PASSWORD_USER} with the returned
 * password only. Throws when sshd is not installed or does not start.
 */
export async function startSshd(options: SshdOptions = {}): Promise<RunningSshd> {
  const reason = sshdUnavailableReason();
  if (reason !== undefined) throw new Error(reason);
  // Privilege separation needs it; Debian creates it only when the ssh service starts.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'gantry-sshd-'));
  const hostKeyFile = join(dir, 'host_ed25519');
  const clientKeyFile = join(dir, 'client_ed25519');
  newKey(hostKeyFile);
  if (options.clientKey === undefined) newKey(clientKeyFile);
  else {
    writeFileSync(clientKeyFile, options.clientKey, { mode: 0o600 });
    writeFileSync(`${clientKeyFile}.pub`, execFileSync('ssh-keygen', ['-y', '-f', clientKeyFile]));
  }
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKeyFile}.pub`));
  const password = passwordUserPassword();

  let port = 0;
  let server: SupervisedProcess | undefined;
  const launch = async () => {
    writeFileSync(join(dir, 'sshd_config'), sshdConfig(dir, port, options));
    server = await spawnSshd(join(dir, 'sshd_config'), options);
  };
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (error) {
      // Another process may have bound the free port in between.
      if (attempt >= PORT_ATTEMPTS || !String(error).includes('Address already in use')) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }

  const knownHostsLine = () => `[127.0.0.1]:${port} ${publicKeyOf(hostKeyFile)}\n`;
  const running: RunningSshd = {
    host: '127.0.0.1',
    port,
    user: 'root',
    privateKey: readFileSync(clientKeyFile, 'utf8'),
    knownHosts: knownHostsLine(),
    passwordUser: SSHD_PASSWORD_USER,
    password,
    hostKeyFile,
    async stop() {
      await server?.stop(STOP_TIMEOUT_MS);
      server = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
    async rotateHostKey() {
      await server?.stop(STOP_TIMEOUT_MS);
      rmSync(hostKeyFile, { force: true });
      rmSync(`${hostKeyFile}.pub`, { force: true });
      newKey(hostKeyFile);
      await launch();
      running.knownHosts = knownHostsLine();
      return running.knownHosts;
    },
  };
  return running;
}

/** How {@link startSshd} configures the server beyond its defaults. */
export interface SshdOptions {
  /** The private key root logs in with (another server's, for one target with many hosts); default: a new one. */
  clientKey?: string;
  /**
   * The server, and every login, sees directory `source` at `target` (a bind mount in a mount
   * namespace of its own): two servers on this machine then have different disks, as two hosts do.
   */
  bindMount?: { source: string; target: string };
  /**
   * Every login gets only SFTP (`ForceCommand internal-sftp`), no shell; `denyRequests` are SFTP
   * requests the server refuses (internal-sftp's `-P`, e.g. `symlink`, `posix-rename@openssh.com`).
   */
  sftpOnly?: { denyRequests?: readonly string[] };
}

function sshdConfig(dir: string, port: number, options: SshdOptions): string {
  const deny = options.sftpOnly?.denyRequests ?? [];
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_ed25519')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    'UseDNS no',
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    `AllowUsers root ${SSHD_PASSWORD_USER}`,
    // Tests multiplex many commands over one connection.
    'MaxSessions 64',
    'Subsystem sftp internal-sftp',
    'LogLevel VERBOSE',
    ...(options.sftpOnly === undefined
      ? []
      : [`ForceCommand internal-sftp${deny.length > 0 ? ` -P ${deny.join(',')}` : ''}`]),
    `Match User ${SSHD_PASSWORD_USER}`,
    '  PasswordAuthentication yes',
    '  PubkeyAuthentication no',
    '',
  ].join('\n');
}

/** Spawns sshd (under the supervisor: it never outlives this process) and waits until it listens. */
async function spawnSshd(configFile: string, options: SshdOptions): Promise<SupervisedProcess> {
  const sshd = [SSHD_BINARY, '-D', '-e', '-f', configFile];
  const mount = options.bindMount;
  // In a mount namespace of its own, the server (and what its logins run) sees another directory there.
  const command = mount
    ? [
        'unshare',
        '--mount',
        '--propagation',
        'private',
        'sh',
        '-c',
        'mount --bind "$1" "$2" && shift 2 && exec "$@"',
        'sh',
        mount.source,
        mount.target,
        ...sshd,
      ]
    : sshd;
  const [shell, ...args] = supervisedArgv(command);
  const child = spawn(shell!, args, { stdio: 'pipe' });
  const server = new SupervisedProcess(child);
  let log = '';
  child.stderr.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`sshd did not start listening within ${READY_TIMEOUT_MS} ms:\n${log}`)),
      READY_TIMEOUT_MS,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      void server.stop(STOP_TIMEOUT_MS).then(() => reject(error));
    };
    child.stderr.on('data', (text: string) => {
      log += text;
      if (/Server listening on 127\.0\.0\.1 port/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void server.exited.then(({ code }) => fail(new Error(`sshd exited (${code}) before listening:\n${log}`)));
  });
  // Keep draining its log, so a full pipe never blocks it.
  child.stderr.resume();
  return server;
}

function newKey(file: string) {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'gantry-test', '-f', file], {
    stdio: 'ignore',
  });
}

/** `type base64` of a key's public half, without its comment. */
function publicKeyOf(privateKeyFile: string): string {
  return readFileSync(`${privateKeyFile}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
}

const PASSWORD_FILE = '/run/gantry-ssh-test.password';

/**
 * Creates {@link SSHD_PASSWORD_USER} when missing and gives it a random password, once per boot: test
 * files run in parallel, so the first sets it (under a lock) and the others read it from a root-only file.
 */
function passwordUserPassword(): string {
  const script = [
    'set -e',
    `if [ ! -s ${PASSWORD_FILE} ]; then`,
    `  id -u ${SSHD_PASSWORD_USER} >/dev/null 2>&1 || useradd --create-home --shell /bin/sh ${SSHD_PASSWORD_USER}`,
    '  umask 077',
    `  printf '%s:%s\\n' ${SSHD_PASSWORD_USER} "$NEW_PASSWORD" | chpasswd`,
    `  printf '%s' "$NEW_PASSWORD" >${PASSWORD_FILE}.tmp && mv ${PASSWORD_FILE}.tmp ${PASSWORD_FILE}`,
    'fi',
    `cat ${PASSWORD_FILE}`,
  ].join('\n');
  return execFileSync('flock', [`${PASSWORD_FILE}.lock`, 'sh', '-c', script], {
    encoding: 'utf8',
    env: { ...process.env, NEW_PASSWORD: randomBytes(18).toString('base64url') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
