import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import type { Dialect } from '../../src/store/dialect.ts';

/** A command-line option is missing its mark; the benchmark prints the message and its usage. */
export class UsageError extends Error {}

/** A whole-number option: its default and the range it must fall in. */
export interface CountOption {
  default: number;
  min: number;
  max: number;
}

/** The options every benchmark takes, plus its own whole-number ones. */
export type BenchArgs<K extends string> = { dialects: Dialect[] } & Record<K, number>;

const DIALECTS = new Map<string, readonly Dialect[]>([
  ['sqlite', ['sqlite']],
  ['postgres', ['postgres']],
  ['both', ['sqlite', 'postgres']],
]);

/** `shellJobs` → `shell-jobs`. */
const flagOf = (key: string) => key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/**
 * Parses a benchmark's command line: `--dialect sqlite|postgres|both` (default sqlite), one
 * `--kebab-case N` option per key of `counts`, and `--help`/`-h`, which prints `usage` and exits 0.
 *
 * @throws {UsageError} for a dialect or number out of its range; {@link parseArgs}'s own error
 *   for an unknown option or a missing value.
 */
export function parseBenchArgs<K extends string>(
  argv: readonly string[],
  usage: string,
  counts: Record<K, CountOption>,
): BenchArgs<K> {
  const keys = Object.keys(counts) as K[];
  const options: ParseArgsOptionsConfig = { dialect: { type: 'string', default: 'sqlite' } };
  for (const key of keys) options[flagOf(key)] = { type: 'string', default: String(counts[key].default) };
  options.help = { type: 'boolean', short: 'h' };
  const { values } = parseArgs({ args: [...argv], options, strict: true });
  if (values.help === true) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const dialect = String(values.dialect);
  const dialects = DIALECTS.get(dialect);
  if (dialects === undefined) {
    throw new UsageError(`--dialect must be sqlite, postgres or both, got "${dialect}"`);
  }
  const numbers = {} as Record<K, number>;
  for (const key of keys) {
    const { min, max } = counts[key];
    const flag = flagOf(key);
    const raw = String(values[flag]);
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got "${raw}"`);
    }
    numbers[key] = value;
  }
  return { dialects: [...dialects], ...numbers };
}
