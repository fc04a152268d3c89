import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * True when process `pid` is running: it exists and is not a zombie. A zombie has stopped running
 * and only waits to be reaped, which PID 1 may take seconds to do (test support only).
 */
export function isRunning(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

/** Reads the pid written to `file`, waiting until it holds one (test support only). */
export async function waitForPidFile(
  file: string,
  signal: AbortSignal = AbortSignal.timeout(30_000),
): Promise<number> {
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const pid = Number(text.trim());
    if (text.endsWith('\n') && Number.isInteger(pid) && pid > 0) return pid;
    signal.throwIfAborted();
    await sleep(20);
  }
}
