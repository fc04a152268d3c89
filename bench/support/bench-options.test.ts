import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBenchArgs, UsageError } from './bench-options.ts';

const COUNTS = {
  jobs: { default: 300, min: 1, max: 100_000 },
  shellJobs: { default: 50, min: 1, max: 10_000 },
  warmup: { default: 200, min: 0, max: 1_000 },
};

const parse = (...argv: string[]) => parseBenchArgs(argv, 'usage', COUNTS);

test('without arguments every option has its default and the dialect is sqlite', () => {
  assert.deepEqual(parse(), { dialects: ['sqlite'], jobs: 300, shellJobs: 50, warmup: 200 });
});

test('a camelCase key is the kebab-case option --shell-jobs', () => {
  assert.deepEqual(parse('--shell-jobs', '7', '--jobs=20', '--warmup', '0', '--dialect', 'postgres'), {
    dialects: ['postgres'],
    jobs: 20,
    shellJobs: 7,
    warmup: 0,
  });
});

test('--dialect both runs SQLite first, then PostgreSQL', () => {
  assert.deepEqual(parse('--dialect', 'both').dialects, ['sqlite', 'postgres']);
});

test('an unknown dialect is a usage error naming the choices', () => {
  for (const dialect of ['mysql', 'constructor', '']) {
    assert.throws(
      () => parse('--dialect', dialect),
      (error: unknown) =>
        error instanceof UsageError &&
        error.message === `--dialect must be sqlite, postgres or both, got "${dialect}"`,
    );
  }
});

test('a number outside its range, or not whole, is a usage error with the range', () => {
  const cases: Array<[string[], string]> = [
    [['--jobs', '0'], '--jobs must be a whole number from 1 to 100000, got "0"'],
    [['--shell-jobs', '10001'], '--shell-jobs must be a whole number from 1 to 10000, got "10001"'],
    [['--warmup', '1.5'], '--warmup must be a whole number from 0 to 1000, got "1.5"'],
    [['--jobs', 'many'], '--jobs must be a whole number from 1 to 100000, got "many"'],
  ];
  for (const [argv, message] of cases) {
    assert.throws(
      () => parse(...argv),
      (error: unknown) => error instanceof UsageError && error.message === message,
    );
  }
});

test('an unknown option or a missing value is refused by parseArgs', () => {
  assert.throws(() => parse('--pipelines', '5'), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
  assert.throws(() => parse('--jobs'), { code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' });
  assert.throws(() => parse('extra'), { code: 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' });
});
