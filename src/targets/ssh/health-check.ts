import { runLoggedCommand } from './remote-step.ts';
import type { SshConnection } from './ssh-connection.ts';
import { SshError } from './ssh-error.ts';

/** How a release proves it works: a command run on the host, or a URL Gantry fetches; retried until the timeout. */
export interface HealthCheck {
  command: string | null;
  url: string | null;
  timeoutSeconds: number;
}

const RETRY_INTERVAL_MS = 1_000;
/** Even the last attempt gets this long, so a check is never cut off before it could answer. */
const MIN_ATTEMPT_MS = 1_000;

/**
 * Runs the health check until it passes (command exit status 0, or a 2xx/3xx answer to the URL) or
 * `timeoutSeconds` pass, at least once. Throws {@link SshError} `health_check_failed` saying why the
 * last attempt failed; connection failures and aborts are thrown as they are.
 */
export async function runHealthCheck(
  connection: SshConnection,
  check: HealthCheck,
  options: { cwd: string; env?: Record<string, string>; signal?: AbortSignal; log(line: string): void },
): Promise<void> {
  const deadline = Date.now() + check.timeoutSeconds * 1000;
  for (let attempt = 1; ; attempt++) {
    const remainingMs = Math.max(deadline - Date.now(), MIN_ATTEMPT_MS);
    const failure =
      check.command !== null ? await commandFailure(remainingMs) : await urlFailure(remainingMs);
    if (failure === undefined) {
      options.log(`health check passed (attempt ${attempt})`);
      return;
    }
    options.log(`health check attempt ${attempt} failed: ${failure}`);
    if (Date.now() + RETRY_INTERVAL_MS > deadline) {
      throw new SshError(
        'health_check_failed',
        `health check failed for ${check.timeoutSeconds} s (${attempt} attempts): ${failure}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_INTERVAL_MS));
    options.signal?.throwIfAborted();
  }

  async function commandFailure(timeoutMs: number): Promise<string | undefined> {
    try {
      const code = await runLoggedCommand(connection, check.command!, { ...options, timeoutMs });
      return code === 0 ? undefined : `\`${check.command}\` exited with ${code}`;
    } catch (error) {
      if (error instanceof SshError && error.reason === 'timeout')
        return `\`${check.command}\` did not finish in time`;
      throw error;
    }
  }

  async function urlFailure(timeoutMs: number): Promise<string | undefined> {
    if (check.url === null) throw new SshError('invalid', 'a health check needs a command or a URL');
    const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
    try {
      const response = await fetch(check.url, { redirect: 'manual', signal: AbortSignal.any(signals) });
      await response.body?.cancel();
      return response.status < 400 ? undefined : `GET ${check.url} answered ${response.status}`;
    } catch (error) {
      options.signal?.throwIfAborted();
      const cause =
        error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      return `GET ${check.url} failed: ${cause}`;
    }
  }
}
