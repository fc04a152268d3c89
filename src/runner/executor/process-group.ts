import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 25;
/** How long to wait for the kernel to finish SIGKILL before giving up on a group. */
const AFTER_KILL_MS = 5_000;

/**
 * Process ids in process group `pgid` that are still running. Zombies do not count: a killed
 * orphan stays a zombie until PID 1 reaps it, which on some machines takes seconds, and a zombie
 * runs nothing. Reads /proc (Linux); elsewhere falls back to `kill(-pgid, 0)`, which counts zombies.
 */
export async function processGroupMembers(pgid: number): Promise<number[]> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return groupExistsBySignal(pgid) ? [pgid] : [];
  }
  const members: number[] = [];
  await Promise.all(
    entries.map(async (entry) => {
      if (!/^\d+$/.test(entry)) return;
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => null);
      if (stat === null) return;
      const parsed = parseProcStat(stat);
      if (parsed !== null && parsed.pgrp === pgid && parsed.state !== 'Z' && parsed.state !== 'X') {
        members.push(Number(entry));
      }
    }),
  );
  return members;
}

/** The state letter and process group of a `/proc/<pid>/stat` line, or null when it is malformed. */
export function parseProcStat(stat: string): { state: string; pgrp: number } | null {
  // The command name is in parentheses and may itself contain spaces and parentheses.
  const close = stat.lastIndexOf(')');
  if (close === -1) return null;
  const fields = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const state = fields[0];
  const pgrp = Number(fields[2]);
  if (state === undefined || !Number.isInteger(pgrp)) return null;
  return { state, pgrp };
}

function groupExistsBySignal(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Nobody left in the group.
  }
}

async function waitUntilEmpty(pgid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if ((await processGroupMembers(pgid)).length === 0) return true;
    if (Date.now() >= until) return false;
    await sleep(POLL_MS);
  }
}

/**
 * Stops every process in group `pgid`: SIGTERM, then SIGKILL for whatever still runs after
 * `graceMs`. Resolves when the group has no running member left (or, should the kernel be slow to
 * deliver SIGKILL, after a few more seconds). Background jobs and nested shells of a job script stay
 * in the script's group, so this reaches them too; a process that called `setsid` does not.
 */
export async function terminateProcessGroup(pgid: number, graceMs: number): Promise<void> {
  if ((await processGroupMembers(pgid)).length === 0) return;
  signalGroup(pgid, 'SIGTERM');
  if (graceMs > 0 && (await waitUntilEmpty(pgid, graceMs))) return;
  signalGroup(pgid, 'SIGKILL');
  await waitUntilEmpty(pgid, AFTER_KILL_MS);
}
