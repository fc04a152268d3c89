import {
  type ExecExit,
  type ExecSession,
  INPUT_NOT_READ,
  MAX_PENDING_INPUT_BYTES,
} from '../environment-operations.ts';
import { HANG_UP } from './api-exec-session.ts';
import type { PodmanHost } from './podman-host.ts';
import { TerminalOutput } from './terminal-output.ts';

/** How long a closed session's command gets to end after the hang-up, before podman is killed. */
const HANG_UP_GRACE_MS = 2_000;

/** What one `podman exec -i -t` session needs. */
export interface CliExecOptions {
  host: PodmanHost;
  pod: string;
  container: string;
  podmanName: string;
  command: string[];
  signal: AbortSignal;
}

/**
 * A terminal through `podman [--url …] exec -i -t`, for hosts whose API Gantry cannot reach itself
 * (SSH): the container gets a TTY on the host, keystrokes go to podman's standard input, and its
 * output (podman's own errors too) is the terminal's. Podman's client has no way to resize a
 * terminal without a local one, so `resize` does nothing. Closing hangs the terminal up (control-C,
 * control-D, end of input) and kills podman after {@link HANG_UP_GRACE_MS}: a command that ignores
 * all that keeps running on the host until it ends. Pausing stops reading podman's output (podman,
 * then the command, block on full pipes); more than MAX_PENDING_INPUT_BYTES of keystrokes podman
 * does not take kill it and end the session.
 */
export function openCliExecSession(options: CliExecOptions): ExecSession {
  const { host, signal } = options;
  const child = host.spawn(['exec', '--interactive', '--tty', options.podmanName, ...options.command]);
  const output = new TerminalOutput();
  const { promise: exited, resolve } = Promise.withResolvers<ExecExit>();
  let closed = false;
  let ended = false;
  let killTimer: NodeJS.Timeout | undefined;
  const finish = (exit: ExecExit) => {
    if (ended) return;
    ended = true;
    clearTimeout(killTimer);
    signal.removeEventListener('abort', close);
    resolve(exit);
  };
  function close() {
    if (closed || ended) return;
    closed = true;
    child.stdin.end(HANG_UP);
    killTimer = setTimeout(() => child.kill('SIGKILL'), HANG_UP_GRACE_MS);
    // The child's `close`, which ends the session, waits until its output is read to the end.
    resume();
  }
  function resume() {
    child.stdout.resume();
    child.stderr.resume();
  }
  child.stdout.on('data', (data: Buffer) => output.push(data));
  child.stderr.on('data', (data: Buffer) => output.push(data));
  // Writing after podman ended fails with EPIPE; the end is reported by `close`.
  child.stdin.on('error', () => {});
  child.on('error', (error) => finish({ exitCode: null, error: host.startFailure(error).message }));
  child.on('close', (code) => finish({ exitCode: closed ? null : code }));
  signal.addEventListener('abort', close, { once: true });
  if (signal.aborted) close();
  return {
    pod: options.pod,
    container: options.container,
    exited,
    write: (data) => {
      if (closed || ended) return;
      child.stdin.write(data);
      if (child.stdin.writableLength > MAX_PENDING_INPUT_BYTES) {
        finish({ exitCode: null, error: INPUT_NOT_READ });
        child.kill('SIGKILL');
      }
    },
    resize: () => {},
    onOutput: (listener) => output.listen(listener),
    pause: () => {
      child.stdout.pause();
      child.stderr.pause();
    },
    resume,
    close,
  };
}
