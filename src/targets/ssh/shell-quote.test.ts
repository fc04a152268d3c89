import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { shellQuote } from './shell-quote.ts';

test('a quoted word reaches the command unchanged, whatever it holds', () => {
  for (const value of [
    '',
    'plain',
    "it's",
    'a b',
    '$(rm -rf /)',
    '`x`',
    '"q"',
    "'",
    'line\nbreak',
    '\\n*?',
  ]) {
    const echoed = execFileSync('/bin/sh', ['-c', `printf %s ${shellQuote(value)}`], { encoding: 'utf8' });
    assert.equal(echoed, value);
  }
});
