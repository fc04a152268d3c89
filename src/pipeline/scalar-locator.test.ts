import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createScalarLocator, type ScalarStyle } from './scalar-locator.ts';

function locate(source: string, style: ScalarStyle, value: string, index: number): string {
  const locator = createScalarLocator(source, 0, source.length, style, value);
  return source.slice(locator(index));
}

test('plain scalars map one to one', () => {
  assert.equal(locate('$A == "x"', 'PLAIN', '$A == "x"', 3), '== "x"');
});

test('quotes and escapes are skipped', () => {
  assert.equal(locate(`'it''s $A'`, 'QUOTE_SINGLE', "it's $A", 5), "$A'");
  assert.equal(locate('"a\\"b $X"', 'QUOTE_DOUBLE', 'a"b $X', 4), '$X"');
  assert.equal(locate('"\\x41\\u0042 $C"', 'QUOTE_DOUBLE', 'AB $C', 3), '$C"');
});

test('folded flow scalars skip line breaks and indentation', () => {
  const source = '$A == "x" &&\n    $B';
  assert.equal(locate(source, 'PLAIN', '$A == "x" && $B', 13), '$B');
});

test('block scalars skip the header and indentation', () => {
  const source = '|\n  one\n  $TWO\n';
  assert.equal(locate(source, 'BLOCK_LITERAL', 'one\n$TWO\n', 4), '$TWO\n');
  const folded = '>\n  one\n  $TWO\n';
  assert.equal(locate(folded, 'BLOCK_FOLDED', 'one $TWO\n', 4), '$TWO\n');
});

test('past the end maps to just after the last character; misalignment maps to the start', () => {
  assert.equal(locate('abc', 'PLAIN', 'abc', 3), '');
  assert.equal(locate('abc', 'PLAIN', 'xyz', 1), 'abc');
  assert.equal(locate('abc', 'PLAIN', 'abc', -1), 'abc');
});
