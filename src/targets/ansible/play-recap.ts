/** One host's line of ansible-playbook's PLAY RECAP: how many tasks ended which way. */
export interface PlayRecap {
  /** The host's inventory name. */
  host: string;
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

const RECAP_HEADER = /^PLAY RECAP\b/;
/** `name : ok=1 changed=0 …`; the name is padded with spaces, the counters in any order. */
const RECAP_LINE = /^(\S(?:.*\S)?)\s+:\s+((?:[a-z]+=\d+\s*)+)$/;
const COUNTERS = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'] as const;

/**
 * The hosts of the last PLAY RECAP in ansible-playbook's output (default stdout callback, no colour),
 * in the order printed; [] when there is none (ansible stopped before any play ran). Counters the
 * line lacks (older Ansible prints no `rescued`/`ignored`) are 0.
 */
export function parsePlayRecap(output: string): PlayRecap[] {
  const lines = output.split(/\r?\n/);
  let start = -1;
  for (let index = lines.length - 1; index >= 0 && start < 0; index--) {
    if (RECAP_HEADER.test(lines[index]!)) start = index + 1;
  }
  if (start < 0) return [];
  const recap: PlayRecap[] = [];
  for (const line of lines.slice(start)) {
    const match = RECAP_LINE.exec(line.trim());
    if (match === null) {
      // The recap is one block: the first other non-blank line ends it.
      if (line.trim() === '') continue;
      break;
    }
    const counters = new Map(
      match[2]!
        .trim()
        .split(/\s+/)
        .map((pair) => pair.split('=') as [string, string]),
    );
    const host: PlayRecap = {
      host: match[1]!,
      ok: 0,
      changed: 0,
      unreachable: 0,
      failed: 0,
      skipped: 0,
      rescued: 0,
      ignored: 0,
    };
    for (const name of COUNTERS) host[name] = Number(counters.get(name) ?? 0);
    recap.push(host);
  }
  return recap;
}

/** Whether the recap shows no host failed or unreachable (an empty recap passes: nothing failed). */
export function recapPassed(recap: readonly PlayRecap[]): boolean {
  return recap.every((host) => host.failed === 0 && host.unreachable === 0);
}
