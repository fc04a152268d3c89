import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { Dialect } from '../../src/store/dialect.ts';
import { type BenchScript, runBench } from './bench-main.ts';
import { parseBenchArgs } from './bench-options.ts';
import { CleanupRegistry } from './cleanup-registry.ts';

interface Options {
  dialects: Dialect[];
  items: number;
}

interface Result {
  dialect: Dialect;
  items: number;
}

/**
 * Captures the text the code under test writes to stdout and stderr. Other writes (the test
 * runner's own messages to its parent, which are bytes) pass through.
 */
function capture(t: TestContext): { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  for (const [stream, into] of [
    [process.stdout, stdout],
    [process.stderr, stderr],
  ] as const) {
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    t.mock.method(stream, 'write', (chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk !== 'string') return original(chunk, ...rest);
      into.push(chunk);
      return true;
    });
  }
  return { stdout, stderr };
}

function script(cleanup: CleanupRegistry, events: string[], failOn?: Dialect): BenchScript<Options, Result> {
  return {
    usage: 'Usage: fake.bench.ts [--items N]',
    parseOptions: (argv) => parseBenchArgs(argv, 'usage', { items: { default: 3, min: 1, max: 9 } }),
    nodeRuns: 'a fake',
    parameters: (options) => `items=${options.items}`,
    async run(dialect, options) {
      cleanup.defer(`${dialect} server`, async () => {
        events.push(`release ${dialect}`);
      });
      events.push(`run ${dialect}`);
      if (dialect === failOn) throw new Error(`${dialect} broke`);
      return { dialect, items: options.items * (dialect === 'sqlite' ? 1 : 2) };
    },
    printResult(result) {
      events.push(`print ${result.dialect}`);
      process.stdout.write(`result ${result.dialect}\n`);
    },
    runSeconds: () => 1.25,
    afterRuns: () => events.push('after runs'),
    comparisonRows: (results) => [['items', ...results.map((result) => String(result.items))]],
  };
}

/** Runs the fake script with `argv`, capturing its output; `failOn` makes that dialect's run throw. */
async function runFake(
  t: TestContext,
  argv: string[],
  failOn?: Dialect,
): Promise<{ code: number; events: string[]; stdout: string; stderr: string }> {
  const out = capture(t);
  const cleanup = new CleanupRegistry(() => {});
  const events: string[] = [];
  try {
    const code = await runBench(cleanup, script(cleanup, events, failOn), argv);
    return { code, events, stdout: out.stdout.join(''), stderr: out.stderr.join('') };
  } finally {
    t.mock.restoreAll();
  }
}

test('each dialect runs, is released and printed in turn; two results get a summary by dialect', async (t) => {
  const { code, events, stdout: text, stderr } = await runFake(t, ['--dialect', 'both', '--items', '4']);
  assert.equal(code, 0);
  assert.deepEqual(events, [
    'run sqlite',
    'release sqlite',
    'print sqlite',
    'run postgres',
    'release postgres',
    'print postgres',
    'after runs',
  ]);
  assert.match(text, /^Machine\n/);
  assert.match(text, /\nparameters {4}items=4\n\n/);
  const afterFacts = text.slice(text.indexOf('result sqlite'));
  assert.match(
    afterFacts,
    /^result sqlite\n\[sqlite\] run took 1\.3 s; load average now \d+\.\d\d \(1 min\)\n\nresult postgres\n\[postgres\] run took 1\.3 s; load average now \d+\.\d\d \(1 min\)\n\n/,
  );
  const summary = [
    'Summary by dialect',
    'measure  sqlite  postgres',
    '-------  ------  --------',
    'items         4         8',
  ];
  assert.equal(text.slice(text.indexOf('Summary by dialect')), `${summary.join('\n')}\n\n`);
  assert.equal(stderr, '');
});

test('a dialect that cannot run is reported, the next still runs, and the exit code is 1', async (t) => {
  const { code, events, stdout: text, stderr } = await runFake(t, ['--dialect', 'both'], 'sqlite');
  assert.equal(code, 1);
  assert.deepEqual(events, [
    'run sqlite',
    'release sqlite',
    'run postgres',
    'release postgres',
    'print postgres',
    'after runs',
  ]);
  assert.match(stderr, /^\[bench\] sqlite: could not run: Error: sqlite broke\n/);
  assert.ok(text.includes('\n=== dialect: sqlite: could not run (see stderr) ===\n\nresult postgres\n'));
  assert.ok(!text.includes('Summary by dialect'), 'one result has no summary');
});

test('a usage error prints the message and the usage to stderr and gives 2', async (t) => {
  const { code, events, stdout, stderr } = await runFake(t, ['--items', '10']);
  assert.equal(code, 2);
  assert.deepEqual(events, []);
  assert.equal(stdout, '');
  assert.equal(
    stderr,
    '--items must be a whole number from 1 to 9, got "10"\n\nUsage: fake.bench.ts [--items N]\n',
  );
});
