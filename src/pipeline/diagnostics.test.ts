import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDiagnostics, reportError, reportWarning } from './diagnostics.ts';

test('collects errors and positioned warnings', () => {
  const diagnostics = createDiagnostics();
  const at = { file: 'a.yml', line: 2, column: 3 };
  reportError(diagnostics, at, 'bad');
  reportWarning(diagnostics, at, 'odd');
  assert.deepEqual(diagnostics, {
    errors: [{ file: 'a.yml', line: 2, column: 3, message: 'bad' }],
    warnings: ['a.yml:2:3: odd'],
  });
});
