import type { ExecExit, TerminalSize } from '../environment-operations.ts';

/** The `Status` an exec stream's error channel (3) carries when the command ends. */
export interface ExecStatus {
  status?: string;
  reason?: string;
  message?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

/** The channel on which the client sends terminal sizes. */
export const RESIZE_CHANNEL = 4;

/**
 * How the command ended, from its final status: `Success` is exit code 0, `NonZeroExitCode` carries
 * the code in its `ExitCode` cause; any other failure (the command could not start, the container
 * is gone) has no exit code and says why.
 */
export function execExit(status: ExecStatus): ExecExit {
  if (status.status === 'Success') return { exitCode: 0 };
  if (status.reason === 'NonZeroExitCode') {
    const cause = status.details?.causes?.find((item) => item.reason === 'ExitCode');
    const code = Number(cause?.message);
    if (cause?.message !== undefined && Number.isInteger(code)) return { exitCode: code };
  }
  return {
    exitCode: null,
    error: status.message || `the command failed (${status.reason || 'no reason given'})`,
  };
}

/**
 * The message telling the container's terminal its new size: channel 4, then the size as JSON with
 * the field names of Go's `TerminalSize`, as kubectl sends it.
 */
export function resizeMessage(size: TerminalSize): Buffer {
  const json = JSON.stringify({ Width: size.cols, Height: size.rows });
  return Buffer.concat([Buffer.from([RESIZE_CHANNEL]), Buffer.from(json, 'utf8')]);
}
