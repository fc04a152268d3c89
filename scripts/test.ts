// Runs the test suite with Node's test runner on the Node that runs this script (24, from node_modules),
// with a throwaway PostgreSQL server for the tests that need one.
//
//   node_modules/.bin/node scripts/test.ts                      every src/, test/ and bench/ **/*.test.ts
//   node_modules/.bin/node scripts/test.ts path/a.test.ts ...   only these files (or globs)
//   node_modules/.bin/node scripts/test.ts --test-name-pattern=x   extra flags go to `node --test`
//
// GANTRY_TEST_POSTGRES_URL, when set, names a server to use instead of starting one. Without PostgreSQL
// binaries the run fails when CI=true and only warns otherwise (tests needing it then skip or fail).
// Nothing is printed after the test runner's summary, so it stays the last thing in the output.
//
// This file is also the runner's reporter (imported by `node --test`, so `import.meta.main` is false there):
// Node's spec reporter with the summary moved after the list of failing tests, which it prints last.

import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { spec, type TestEvent } from 'node:test/reporters';
import { fileURLToPath } from 'node:url';
import type { RunningPostgres } from '../test/support/postgres.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const defaultPatterns = ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'];
const defaultFlags = ['--test-concurrency=2', `--test-reporter=${import.meta.url}`, '--test-timeout=120000'];
// Flags of `node` that take their value as the next argument, so that value is not taken for a file.
const flagsWithValue = new Set([
  '--test-name-pattern',
  '--test-skip-pattern',
  '--test-reporter',
  '--test-reporter-destination',
  '--test-concurrency',
  '--test-timeout',
  '--test-shard',
  '--test-coverage-include',
  '--test-coverage-exclude',
  '--test-isolation',
  '--import',
  '--require',
  '-r',
  '--conditions',
  '-C',
  '--env-file',
  '--env-file-if-exists',
]);

const inCi = process.env.CI === 'true';

function log(message: string): void {
  process.stderr.write(`test: ${message}\n`);
}

/** Splits arguments into flags for `node` and test files, resolving files against the caller's directory. */
function parseArgs(args: string[]): { flags: string[]; files: string[] } {
  const flags: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      files.push(...args.slice(i + 1).map((file) => resolve(file)));
      break;
    }
    if (arg.startsWith('-')) {
      flags.push(arg);
      if (flagsWithValue.has(arg) && i + 1 < args.length) flags.push(args[++i]!);
    } else {
      files.push(resolve(arg));
    }
  }
  return { flags, files };
}

let postgres: RunningPostgres | undefined;
let tests: ChildProcess | undefined;
let signalled: NodeJS.Signals | undefined;

function onSignal(signal: NodeJS.Signals): void {
  if (signalled) {
    // A second signal: stop waiting for a graceful end.
    if (tests?.pid) killGroup(tests.pid, 'SIGKILL');
    void postgres?.stop().finally(() => process.exit(128 + constants.signals[signal]));
    return;
  }
  signalled = signal;
  // The runner has its own process group (so a terminal's Ctrl-C reaches it once, through us); signal the
  // whole group as the terminal would, reaching the per-file test processes too.
  if (tests?.pid) killGroup(tests.pid, signal);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

async function main(): Promise<number> {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  // Loaded here rather than at the top so that loading this file as the reporter stays light.
  const { POSTGRES_URL_ENV, PostgresNotInstalledError, postgresUrlFromEnv, startPostgres } = await import(
    '../test/support/postgres.ts'
  );

  const { flags, files } = parseArgs(process.argv.slice(2));
  const env = { ...process.env };

  if (postgresUrlFromEnv()) {
    log(`using PostgreSQL from ${POSTGRES_URL_ENV}`);
  } else {
    const started = performance.now();
    try {
      postgres = await startPostgres();
    } catch (error) {
      if (!(error instanceof PostgresNotInstalledError)) throw error;
      if (inCi) {
        log(`error: ${error.message}; PostgreSQL is required when CI=true`);
        return 1;
      }
      log(`warning: ${error.message}; tests that need PostgreSQL will skip`);
    }
    if (postgres) {
      env[POSTGRES_URL_ENV] = postgres.url;
      log(`PostgreSQL at ${postgres.url} (started in ${Math.round(performance.now() - started)} ms)`);
    }
  }
  if (signalled) return 128 + constants.signals[signalled];

  const userFlags = new Set(flags.map((flag) => flag.split('=')[0]));
  const args = [
    '--test',
    ...defaultFlags.filter((flag) => !userFlags.has(flag.split('=')[0])),
    ...flags,
    ...(files.length > 0 ? files : defaultPatterns),
  ];
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: 'inherit', detached: true });
  tests = child;
  return await new Promise<number>((resolveCode) => {
    child.on('error', (error) => {
      log(`could not start the test runner: ${error.message}`);
      resolveCode(1);
    });
    child.on('exit', (code, signal) => {
      if (signalled) resolveCode(128 + constants.signals[signalled]);
      else resolveCode(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

/**
 * Holds back the run's summary lines (top-level diagnostics of no file) until after the list of failing tests.
 */
async function* summaryLast(source: AsyncIterable<TestEvent>): AsyncGenerator<TestEvent> {
  const held: TestEvent[] = [];
  for await (const event of source) {
    if (event.type === 'test:diagnostic' && event.data.nesting === 0 && event.data.file === undefined) {
      held.push(event);
      continue;
    }
    yield event;
    // The spec reporter prints its failing-tests list on the root summary event (the one without a file).
    if (event.type === 'test:summary' && event.data.file === undefined) yield* held.splice(0);
  }
  yield* held;
}

/** The test reporter: Node's spec reporter, summary last. */
export default async function* specSummaryLast(
  source: AsyncIterable<TestEvent>,
): AsyncGenerator<string | Buffer> {
  yield* Readable.from(summaryLast(source)).pipe(spec());
}

if (import.meta.main) {
  let exitCode = 1;
  try {
    exitCode = await main();
  } catch (error) {
    log(`error: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    // Silently: the runner's summary must stay the last output.
    await postgres?.stop().catch(() => {});
  }
  process.exit(exitCode);
}
