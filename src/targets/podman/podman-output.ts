import type { PodmanHost } from './podman-host.ts';

/** Podman's standard error kept for the error message: its end, where podman says what failed. */
const MAX_STDERR_CHARS = 16 * 1024;

/**
 * The standard output of a podman command as it comes, read only as fast as it is consumed: while
 * the consumer does not pull, the pipe is not read, so podman blocks writing rather than anything
 * growing here. Podman is killed when `signal` aborts (the output then just ends) or the consumer
 * stops early; it ending with an exit code other than 0 is thrown as {@link PodmanHost.failure}.
 */
export async function* podmanOutput(
  host: PodmanHost,
  args: readonly string[],
  signal: AbortSignal,
): AsyncGenerator<Buffer> {
  if (signal.aborted) return;
  const child = host.spawn(args);
  const kill = () => child.kill('SIGKILL');
  signal.addEventListener('abort', kill, { once: true });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-MAX_STDERR_CHARS);
  });
  const ended = new Promise<number | null | Error>((resolve) => {
    child.once('error', (error) => resolve(host.startFailure(error)));
    child.once('close', (code) => resolve(code));
  });
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    const end = await ended;
    if (signal.aborted) return;
    if (end instanceof Error) throw end;
    if (end !== 0) throw host.failure(args, stderr);
  } finally {
    signal.removeEventListener('abort', kill);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
