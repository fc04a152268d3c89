import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describe } from './describe-error.ts';

test('an error is described by its stack, which starts with its message', () => {
  const error = new Error('server exited');
  assert.equal(describe(error), error.stack);
  assert.match(describe(error), /^Error: server exited\n\s+at /);
});

test('an error without a stack is described by its message', () => {
  const error = new Error('no stack');
  error.stack = undefined;
  assert.equal(describe(error), 'no stack');
});

test('anything else thrown is described as text', () => {
  assert.equal(describe('plain string'), 'plain string');
  assert.equal(describe(42), '42');
  assert.equal(describe(undefined), 'undefined');
});
