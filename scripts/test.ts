// Runs the test suite with Node's test runner on the Node that runs this script (24, from node_modules),
// with a throwaway PostgreSQL server and a Kubernetes rig (scripts/kube-rig) for the tests that need them.
//
//   node_modules/.bin/node scripts/test.ts                      every src/, test/, bench/, scripts/, web/src/ **/*.test.ts
//   node_modules/.bin/node scripts/test.ts path/a.test.ts ...   only these files (or globs)
//   node_modules/.bin/node scripts/test.ts --test-name-pattern=x   extra flags go to `node --test`
//
// GANTRY_TEST_POSTGRES_URL, when set, names a server to use instead of starting one. Without PostgreSQL
// binaries the run fails when CI=true and only warns otherwise (tests needing it then skip or fail).
// GANTRY_TEST_KUBE_RIG likewise names a running rig's info file; else the rig starts once for the run when
// it may be needed (a full run, or a named file mentioning kube-rig), with the same rule for missing binaries.
// Nothing is printed after the test runner's summary, so it stays the last thing in the output.
//
// This file is also the runner's reporter (imported by `node --test`, so `import.meta.main` is false there):
// Node's spec reporter with the summary moved after the list of failing tests, which it prints last.

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { spec, type TestEvent } from 'node:test/reporters';
import { fileURLToPath } from 'node:url';
import type { RunningPostgres } from '../test/support/postgres.ts';
import type { KubeRig } from './kube-rig/rig.ts';
import { KUBE_RIG_ENV, writeRigInfo } from './kube-rig/rig-info.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const defaultPatterns = [
  'src/**/*.test.ts',
  'test/**/*.test.ts',
  'bench/**/*.test.ts',
  'scripts/**/*.test.ts',
  'web/src/**/*.test.ts',
];
const defaultFlags = [
  '--test-concurrency=2',
  `--test-reporter=${import.meta.url}`,
  '--test-timeout=120000',
  // A file that never ends fails after a deadline instead of holding the run (see the file).
  `--import=${new URL('../test/support/file-deadline.ts', import.meta.url).href}`,
];
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
let kubeRig: Promise<KubeRig | undefined> | undefined;
let tests: ChildProcess | undefined;
let signalled: NodeJS.Signals | undefined;

function onSignal(signal: NodeJS.Signals): void {
  if (signalled) {
    // A second signal: stop waiting for a graceful end.
    if (tests?.pid) killGroup(tests.pid, 'SIGKILL');
    void stopServices().finally(() => process.exit(128 + constants.signals[signal]));
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

/** Stops PostgreSQL and the Kubernetes rig (once started), silently. */
async function stopServices(): Promise<void> {
  await Promise.all([postgres?.stop().catch(() => {}), kubeRig?.then((rig) => rig?.stop()).catch(() => {})]);
}

/**
 * Whether the run may need the Kubernetes rig: a full run, or a named file that mentions it. A file that
 * needs it without saying so still works: test/support/kube-rig.ts then starts a rig for that file.
 */
function mayNeedKubeRig(files: string[]): boolean {
  return (
    files.length === 0 ||
    files.some((file) => {
      try {
        return readFileSync(file, 'utf8').includes('kube-rig');
      } catch {
        return true; // a glob, or unreadable: assume it may
      }
    })
  );
}

/** Starts the run's Kubernetes rig; undefined when its binaries are not built (logged; CI then fails). */
async function startKubeRigForRun(): Promise<KubeRig | undefined> {
  const { RigBinariesMissingError, startKubeRig } = await import('./kube-rig/rig.ts');
  try {
    return await startKubeRig();
  } catch (error) {
    if (!(error instanceof RigBinariesMissingError)) throw error;
    if (inCi) log(`error: ${error.message}; the Kubernetes rig is required when CI=true`);
    else log(`warning: ${error.message}; tests that need Kubernetes will skip`);
    return undefined;
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

  if (process.env[KUBE_RIG_ENV]) log(`using the Kubernetes rig of ${KUBE_RIG_ENV}`);
  // Started first and awaited after PostgreSQL: the two start side by side.
  else if (mayNeedKubeRig(files)) {
    kubeRig = startKubeRigForRun();
    // Its failure is reported where it is awaited; until then it must not count as unhandled.
    kubeRig.catch(() => {});
  }

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
  if (kubeRig) {
    const rig = await kubeRig;
    if (rig) {
      const infoPath = join(rig.info.dataDir, 'rig.json');
      writeRigInfo(infoPath, rig.info);
      env[KUBE_RIG_ENV] = infoPath;
      log(
        `Kubernetes ${rig.info.versions.kubernetes} rig at ${rig.info.server} (started in ${rig.info.startMs} ms)`,
      );
    } else if (inCi) {
      return 1;
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
    await stopServices();
  }
  process.exit(exitCode);
}
