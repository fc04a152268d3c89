import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countLines, LineSkip } from './line-skip.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

test('the first lines are dropped across reads, the rest passes unchanged', () => {
  const skip = new LineSkip(3);
  assert.equal(text(skip.push(bytes('one\ntw'))), '');
  assert.equal(text(skip.push(bytes('o\nthree\nfou'))), 'fou');
  assert.equal(text(skip.push(bytes('r\nfive\n'))), 'r\nfive\n');
});

test('skipping nothing passes everything', () => {
  assert.equal(text(new LineSkip(0).push(bytes('a\nb\n'))), 'a\nb\n');
});

test('countLines counts line ends', () => {
  assert.equal(countLines(bytes('')), 0);
  assert.equal(countLines(bytes('a\nb\nc')), 2);
  assert.equal(countLines(bytes('\n\n\n')), 3);
});
