/** Why an SSH operation failed, for callers that act on it (e.g. a host-key mismatch is never retried). */
export type SshFailure =
  | 'host_key_mismatch'
  | 'unknown_host_key'
  | 'auth_failed'
  | 'unreachable'
  | 'connection_lost'
  | 'timeout'
  | 'command_failed'
  | 'upload_failed'
  | 'health_check_failed'
  | 'invalid';

/** An SSH target failure whose message says what happened and where, ready to show to the user. */
export class SshError extends Error {
  readonly reason: SshFailure;

  constructor(reason: SshFailure, message: string) {
    super(message);
    this.name = 'SshError';
    this.reason = reason;
  }
}

/** What {@link sshClientError} needs to know about the connection attempt. */
export interface SshAttempt {
  /** `host:port`. */
  address: string;
  /** `user@host:port`. */
  login: string;
  /** Fingerprints of the recorded host keys (`SHA256:…`), for the mismatch message. */
  recordedFingerprints: readonly string[];
}

/**
 * Turns what the OpenSSH client wrote to stderr when it exited with 255 into an {@link SshError}:
 * host key changed or unknown, authentication refused, host unreachable, or the connection lost.
 */
export function sshClientError(stderr: string, attempt: SshAttempt): SshError {
  const recorded = attempt.recordedFingerprints.join(', ') || 'none';
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/.test(stderr)) {
    const presented = /^(SHA256:\S+?)\.?$/m.exec(stderr)?.[1];
    return new SshError(
      'host_key_mismatch',
      `host key of ${attempt.address} does not match the one recorded at registration (${recorded})` +
        `${presented ? `; the server presented ${presented}` : ''}: refusing to connect`,
    );
  }
  if (/No \S+ host key is known for|Host key verification failed/.test(stderr)) {
    return new SshError(
      'unknown_host_key',
      `host key of ${attempt.address} is not among the ones recorded at registration (${recorded}): refusing to connect`,
    );
  }
  if (/Permission denied \(|Too many authentication failures|no more authentication methods/i.test(stderr)) {
    return new SshError('auth_failed', `authentication failed for ${attempt.login}: ${lastLine(stderr)}`);
  }
  const connect = /connect to host \S+ port \d+: (.+)$/m.exec(stderr)?.[1];
  if (connect)
    return new SshError('unreachable', `cannot reach ${attempt.address}: ${connect.toLowerCase()}`);
  const resolve = /Could not resolve hostname [^:]+: (.+)$/m.exec(stderr)?.[1];
  if (resolve)
    return new SshError('unreachable', `cannot reach ${attempt.address}: ${resolve.toLowerCase()}`);
  if (/kex_exchange_identification|Connection (closed|reset) by|Broken pipe|Timeout, server/.test(stderr)) {
    return new SshError('connection_lost', `connection to ${attempt.address} lost: ${lastLine(stderr)}`);
  }
  return new SshError(
    'connection_lost',
    `ssh to ${attempt.login} failed: ${lastLine(stderr) || 'exit status 255'}`,
  );
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1]!.trim();
}
