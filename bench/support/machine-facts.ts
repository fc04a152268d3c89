import { arch, availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { runCommand } from './run-command.ts';
import { table } from './text-table.ts';

/** What a benchmark says about itself in the machine table. */
export interface BenchFacts {
  /** What the node process runs, e.g. `server and client`. */
  nodeRuns: string;
  dialects: readonly string[];
  /** The sizes it was given, e.g. `projects=1000 requests=2000`. */
  parameters: string;
}

/**
 * The "Machine" table printed before a benchmark's results: date, node, OS, CPUs, memory, git
 * version, load average at the start, and the benchmark's dialects and parameters.
 */
export async function machineFacts(facts: BenchFacts): Promise<string> {
  const cpu = cpus()[0]?.model.trim() ?? '?';
  const gitVersion = (await runCommand('git', ['--version']).catch(() => ({ stdout: '?' }))).stdout.trim();
  const rows = [
    ['date', new Date().toISOString()],
    ['node', `${process.version} (${process.execPath}), ${facts.nodeRuns}`],
    ['os', `${platform()} ${release()} ${arch()}`],
    ['cpus', `${availableParallelism()} × ${cpu}`],
    ['memory', `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`],
    ['git', gitVersion],
    [
      'load average',
      `${loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')} (1/5/15 min, at start)`,
    ],
    ['dialect', facts.dialects.join(', ')],
    ['parameters', facts.parameters],
  ];
  return table('Machine', [{ header: 'fact' }, { header: 'value' }], rows);
}
