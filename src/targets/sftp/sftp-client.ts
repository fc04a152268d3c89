import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostKeyFingerprints } from '../ssh/host-keys.ts';
import { endpointAddress, endpointLogin, endpointProblem, type SshEndpoint } from '../ssh/ssh-endpoint.ts';
import { SshError, type SshFailure, sshClientError } from '../ssh/ssh-error.ts';
import { strictSshOptions } from '../ssh/ssh-options.ts';

/** How {@link runSftpBatch} runs one batch. */
export interface SftpBatchOptions {
  /** A directory of Gantry's own; the key, password and known_hosts go into a 0700 dir inside it, removed after. */
  scratchDir: string;
  /** What the batch does, for error messages (e.g. `upload release v1`). */
  purpose: string;
  /** The reason of the {@link SshError} thrown when a command of the batch fails; default `command_failed`. */
  failure?: SshFailure;
  signal?: AbortSignal;
  /** TCP connect and SSH handshake limit (ssh's ConnectTimeout); default 15. */
  connectTimeoutSeconds?: number;
}

/** Every command sftp runs from a batch is echoed to stdout behind this prompt. */
export const SFTP_ECHO = 'sftp> ';

/**
 * Runs `commands` (lines built with `sftpCommand`) in one `sftp -b` session and resolves with what it
 * printed to stdout: each command echoed as `sftp> command`, followed by its output. The batch stops at
 * the first failing command not prefixed with `-`.
 *
 * The host key is checked strictly against the endpoint's recorded lines only; a key logs in with
 * `BatchMode`, a password through `SSH_ASKPASS` reading a 0600 file, never a command line. Throws
 * {@link SshError}: `host_key_mismatch` / `unknown_host_key` (nothing is sent), `auth_failed`,
 * `unreachable`, `connection_lost`, `invalid` for unusable endpoint fields, or `options.failure` naming
 * the command that failed; the signal's reason when aborted (sftp is stopped at once).
 */
export async function runSftpBatch(
  endpoint: SshEndpoint,
  commands: readonly string[],
  options: SftpBatchOptions,
): Promise<string> {
  const problem = endpointProblem(endpoint);
  if (problem !== undefined) throw new SshError('invalid', problem);
  options.signal?.throwIfAborted();
  const dir = await mkdtemp(join(options.scratchDir, 'sftp-'));
  try {
    await writeFile(join(dir, 'known_hosts'), withNewline(endpoint.knownHosts), { mode: 0o600 });
    if (endpoint.privateKey !== null) {
      await writeFile(join(dir, 'identity'), withNewline(endpoint.privateKey), { mode: 0o600 });
    } else {
      await writeFile(join(dir, 'password'), endpoint.password ?? '', { mode: 0o600 });
      await writeFile(join(dir, 'askpass'), '#!/bin/sh\nexec cat "$GANTRY_SFTP_PASSWORD_FILE"\n', {
        mode: 0o700,
      });
    }
    await writeFile(join(dir, 'batch'), commands.map((line) => `${line}\n`).join(''), { mode: 0o600 });
    const { code, stdout, stderr } = await runSftp(sftpArgs(endpoint, dir, options), dir, options.signal);
    if (code === 0) return stdout;
    if (code === 255 || /Connection closed|Host key verification failed|Permission denied \(/.test(stderr)) {
      throw sshClientError(stderr, {
        address: endpointAddress(endpoint),
        login: endpointLogin(endpoint),
        recordedFingerprints: await hostKeyFingerprints(endpoint.knownHosts).catch(() => []),
      });
    }
    const failed = stdout
      .split('\n')
      .filter((line) => line.startsWith(SFTP_ECHO))
      .at(-1)
      ?.slice(SFTP_ECHO.length);
    const why = stderr.trim().split('\n').at(-1)?.trim() || `sftp exited with ${code}`;
    throw new SshError(
      options.failure ?? 'command_failed',
      `${options.purpose} on ${endpointLogin(endpoint)} failed${failed ? ` at \`${failed}\`` : ''}: ${why}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function sftpArgs(endpoint: SshEndpoint, dir: string, options: SftpBatchOptions): string[] {
  const sshOptions = [
    ...strictSshOptions(
      {
        knownHosts: join(dir, 'known_hosts'),
        identity: endpoint.privateKey === null ? null : join(dir, 'identity'),
      },
      options.connectTimeoutSeconds,
    ),
    'LogLevel=ERROR',
    'ControlMaster=no',
    'ControlPath=none',
    `User=${endpoint.user}`,
  ];
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return [
    '-F',
    'none',
    ...sshOptions.flatMap((option) => ['-o', option]),
    '-P',
    String(endpoint.port),
    '-b',
    join(dir, 'batch'),
    '--',
    host,
  ];
}

/** Runs sftp with no user's files (HOME is the private dir) and no agent; SIGTERM on abort. */
async function runSftp(
  args: string[],
  dir: string,
  signal: AbortSignal | undefined,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('sftp', args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      LC_ALL: 'C',
      SSH_ASKPASS: join(dir, 'askpass'),
      SSH_ASKPASS_REQUIRE: 'force',
      GANTRY_SFTP_PASSWORD_FILE: join(dir, 'password'),
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const onAbort = () => child.kill('SIGTERM');
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    signal?.throwIfAborted();
    return { code, stdout, stderr };
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
