import { readdir, readFile } from 'node:fs/promises';

/** What `/proc/<pid>/stat` says of a process: its parent and the CPU it used, in clock ticks. */
export interface ProcStat {
  pid: number;
  /** The command name (`comm`, at most 15 characters). */
  name: string;
  ppid: number;
  /** User + system time, in clock ticks (`getconf CLK_TCK`, 100 on Linux). */
  cpuTicks: number;
}

/** Clock ticks per second of `/proc/<pid>/stat`'s times; 100 on every Linux Gantry runs on. */
export const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Parses `/proc/<pid>/stat`. The command name is in parentheses and may itself hold spaces and
 * parentheses, so the fields are counted from the last `)`.
 * @throws {Error} when the text is not such a line.
 */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const fields = close === -1 ? [] : text.slice(close + 2).split(' ');
  // After the name: state(3) ppid(4) … utime(14) stime(15), counted from 1 with pid and comm.
  const ppid = Number(fields[1]);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (open === -1 || ![ppid, utime, stime].every(Number.isInteger)) {
    throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 200)}`);
  }
  return {
    pid: Number(text.slice(0, open).trim()),
    name: text.slice(open + 1, close),
    ppid,
    cpuTicks: utime + stime,
  };
}

/**
 * VmRSS of `/proc/<pid>/status`, in kB.
 * @throws {Error} when the text has none (a kernel thread, or not a status file).
 */
export function parseVmRssKb(status: string): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match?.[1] === undefined) throw new Error('no VmRSS line in /proc/<pid>/status');
  return Number(match[1]);
}

/** `root` and every process below it, given each process's parent. */
export function descendantsOf(root: number, parents: ReadonlyMap<number, number>): Set<number> {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) {
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const found = new Set<number>([root]);
  const queue = [root];
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    for (const child of children.get(pid) ?? []) {
      if (!found.has(child)) {
        found.add(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/** Every process's stat now; processes that end while they are read are left out. */
export async function readAllProcStats(): Promise<Map<number, ProcStat>> {
  const names = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const stats = await Promise.all(
    names.map((name) => readFile(`/proc/${name}/stat`, 'utf8').then(parseProcStat, () => undefined)),
  );
  return new Map(stats.filter((stat) => stat !== undefined).map((stat) => [stat.pid, stat]));
}

/** The VmRSS of a process now, in kB. */
export async function rssKb(pid: number): Promise<number> {
  return parseVmRssKb(await readFile(`/proc/${pid}/status`, 'utf8'));
}

/** The machine's CPU time from the first line of `/proc/stat`: all of it, and the busy part (ticks). */
export interface MachineCpu {
  totalTicks: number;
  busyTicks: number;
}

/**
 * Parses the `cpu` line of `/proc/stat` (every core added up): busy is all but idle and iowait.
 * @throws {Error} when there is no such line.
 */
export function parseMachineCpu(procStat: string): MachineCpu {
  const match = /^cpu\s+([\d ]+)$/m.exec(procStat);
  if (match?.[1] === undefined) throw new Error('no cpu line in /proc/stat');
  // user nice system idle iowait irq softirq steal (guest times are already in user and nice).
  const ticks = match[1].trim().split(/\s+/).slice(0, 8).map(Number);
  const total = ticks.reduce((sum, value) => sum + value, 0);
  return { totalTicks: total, busyTicks: total - (ticks[3] ?? 0) - (ticks[4] ?? 0) };
}

/** The machine's CPU time now. */
export async function machineCpu(): Promise<MachineCpu> {
  return parseMachineCpu(await readFile('/proc/stat', 'utf8'));
}
