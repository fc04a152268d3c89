import { spawn } from 'node:child_process';
import { endpointAddress } from './ssh-endpoint.ts';
import { SshError } from './ssh-error.ts';

/** The host keys a server presented, as recorded at registration. */
export interface ScannedHostKeys {
  /** known_hosts lines (`[host]:port type key`, or `host type key` on port 22). */
  knownHosts: string;
  /** `SHA256:…` fingerprints of those keys, in the same order, for the user to compare. */
  fingerprints: string[];
}

const SCAN_TIMEOUT_SECONDS = 10;

/**
 * Asks a server for its host keys with `ssh-keyscan` (trust on first use: the user is shown the
 * fingerprints to compare). Throws {@link SshError} `unreachable` when it answers with none.
 */
export async function scanHostKeys(
  host: string,
  port: number,
  { signal }: { signal?: AbortSignal } = {},
): Promise<ScannedHostKeys> {
  if (host.startsWith('-'))
    throw new SshError('invalid', `SSH host ${JSON.stringify(host)} is not a host name`);
  const scan = await runTool(
    'ssh-keyscan',
    ['-T', String(SCAN_TIMEOUT_SECONDS), '-p', String(port), '--', host],
    '',
    signal,
  );
  const lines = scan.stdout.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  if (lines.length === 0) {
    const why = scan.stderr.split('\n').find((line) => line.trim() !== '' && !line.startsWith('#'));
    throw new SshError(
      'unreachable',
      `cannot reach ${endpointAddress({ host, port })}: ${why?.trim() || 'it sent no host keys (nothing listening there, or not an SSH server)'}`,
    );
  }
  const knownHosts = `${lines.sort().join('\n')}\n`;
  return { knownHosts, fingerprints: await hostKeyFingerprints(knownHosts, signal) };
}

/** The `SHA256:…` fingerprints of known_hosts lines, one per key (`ssh-keygen -lf`). */
export async function hostKeyFingerprints(knownHosts: string, signal?: AbortSignal): Promise<string[]> {
  const listing = await runTool('ssh-keygen', ['-l', '-f', '-'], knownHosts, signal);
  if (listing.code !== 0)
    throw new SshError('invalid', `recorded host keys cannot be read: ${listing.stderr.trim()}`);
  return listing.stdout
    .split('\n')
    .map((line) => line.split(' ')[1])
    .filter((fingerprint): fingerprint is string => fingerprint?.startsWith('SHA256:') === true);
}

async function runTool(
  file: string,
  args: string[],
  input: string,
  signal: AbortSignal | undefined,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(file, args, {
    signal,
    stdio: 'pipe',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
