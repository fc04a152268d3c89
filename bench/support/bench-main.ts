import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Dialect } from '../../src/store/dialect.ts';
import { print, progress } from './bench-output.ts';
import type { CleanupRegistry } from './cleanup-registry.ts';
import { describe } from './describe-error.ts';
import { machineFacts } from './machine-facts.ts';
import { fixed, table } from './text-table.ts';

/** What a benchmark script brings to {@link runBench}. */
export interface BenchScript<Options extends { dialects: readonly Dialect[] }, Result> {
  /** Printed after a usage error. */
  usage: string;
  parseOptions(argv: readonly string[]): Options;
  /** What the node process runs, for the machine table, e.g. `server and client`. */
  nodeRuns: string;
  /** The sizes the options give, for the machine table, e.g. `projects=1000 requests=2000`. */
  parameters(options: Options): string;
  /** One dialect's benchmark; what it registers with the cleanup registry is released right after. */
  run(dialect: Dialect, options: Options): Promise<Result>;
  /** Prints one dialect's results. */
  printResult(result: Result, options: Options): void;
  /** How long the run took, in seconds; by default from its start to the end of its release. */
  runSeconds?(result: Result): number;
  /** Prints what follows the runs, before the comparison; not called after a signal. */
  afterRuns?(options: Options): void;
  /** The rows of the side-by-side comparison, a column per result after the measure's name. */
  comparisonRows(results: readonly Result[]): string[][];
}

/**
 * A benchmark's main: parses its options (a usage error prints the usage and gives 2), prints the
 * machine facts, runs each dialect in turn and prints its results and how long it took (one that fails is reported on stderr and the next one
 * still runs; a signal stops before the next), then prints the summary by dialect when more than one
 * ran. Resolves to the exit code: 0, or 1 when a dialect could not run.
 */
export async function runBench<Options extends { dialects: readonly Dialect[] }, Result>(
  cleanup: CleanupRegistry,
  script: BenchScript<Options, Result>,
  argv: readonly string[],
): Promise<number> {
  let options: Options;
  try {
    options = script.parseOptions(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${script.usage}\n`);
    return 2;
  }
  print(
    await machineFacts({
      nodeRuns: script.nodeRuns,
      dialects: options.dialects,
      parameters: script.parameters(options),
    }),
  );
  const results: Result[] = [];
  const ran: Dialect[] = [];
  let failed = false;
  for (const dialect of options.dialects) {
    if (cleanup.interrupted) break;
    const started = performance.now();
    try {
      const result = await cleanup.releasingAfter(() => script.run(dialect, options));
      results.push(result);
      ran.push(dialect);
      const seconds = script.runSeconds?.(result) ?? (performance.now() - started) / 1000;
      script.printResult(result, options);
      print(
        `[${dialect}] run took ${fixed(seconds, 1)} s; load average now ${loadavg()[0]?.toFixed(2)} (1 min)`,
      );
    } catch (error) {
      failed = true;
      progress(`${dialect}: could not run: ${describe(error)}`);
      print(`=== dialect: ${dialect}: could not run (see stderr) ===`);
    }
  }
  if (!cleanup.interrupted) script.afterRuns?.(options);
  if (results.length >= 2) {
    print(
      table(
        'Summary by dialect',
        [{ header: 'measure' }, ...ran.map((dialect) => ({ header: dialect, align: 'right' as const }))],
        script.comparisonRows(results),
      ),
    );
  }
  return failed ? 1 : 0;
}
