import { runLoggedCommand } from './remote-step.ts';
import { shellQuote } from './shell-quote.ts';
import type { SshConnection } from './ssh-connection.ts';
import { SshError } from './ssh-error.ts';

/**
 * How a release proves it works: a command run on the host, or a URL the host asks for (curl or
 * wget, there: the server never fetches a URL a pipeline file names); retried until the timeout.
 */
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
    const seconds = Math.max(1, Math.floor(timeoutMs / 1000));
    try {
      const code = await runLoggedCommand(connection, urlCheckCommand(check.url, seconds), {
        ...options,
        timeoutMs,
      });
      if (code === 0) return undefined;
      return code === 127
        ? 'the host has neither curl nor wget to ask the URL with'
        : `GET ${check.url} failed on the host (exit ${code})`;
    } catch (error) {
      if (error instanceof SshError && error.reason === 'timeout')
        return `GET ${check.url} did not answer in time`;
      throw error;
    }
  }
}

/**
 * The command asking for `url` on the host, with curl or else wget; an answer of 400 or more, no
 * answer, or neither tool (exit 127) fails it; redirects are not followed (a 3xx passes).
 */
export function urlCheckCommand(url: string, timeoutSeconds: number): string {
  const quoted = shellQuote(url);
  return (
    `if command -v curl >/dev/null 2>&1; then curl -fsS -o /dev/null --max-time ${timeoutSeconds} -- ${quoted}; ` +
    `elif command -v wget >/dev/null 2>&1; then wget -q -T ${timeoutSeconds} --max-redirect=0 -O /dev/null ${quoted}; ` +
    'else exit 127; fi'
  );
}
