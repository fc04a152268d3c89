import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPipelineError, sortPipelineErrors } from './pipeline-error.ts';

test('formats as file:line:column: message', () => {
  assert.equal(
    formatPipelineError({ file: '.gantry.yml', line: 12, column: 5, message: 'expected a string' }),
    '.gantry.yml:12:5: expected a string',
  );
});

test('sorts by file order, position and message, dropping duplicates', () => {
  const e = (file: string, line: number, column: number, message = 'm') => ({ file, line, column, message });
  const sorted = sortPipelineErrors(
    [
      e('b.yml', 1, 1),
      e('main.yml', 3, 2),
      e('main.yml', 3, 1),
      e('main.yml', 3, 1),
      e('zzz.yml', 1, 1),
      e('main.yml', 1, 9),
    ],
    ['main.yml', 'b.yml'],
  );
  assert.deepEqual(sorted, [
    e('main.yml', 1, 9),
    e('main.yml', 3, 1),
    e('main.yml', 3, 2),
    e('b.yml', 1, 1),
    e('zzz.yml', 1, 1),
  ]);
});
