import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogLineSplitter } from './log-line-splitter.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

test('passes on complete lines only, keeping the rest for the next read', () => {
  const splitter = new LogLineSplitter();
  assert.equal(
    splitter.push(bytes('2026-01-01T00:00:00Z one\n2026-01-01T00:00:01Z tw')),
    '2026-01-01T00:00:00Z one\n',
  );
  assert.equal(splitter.push(bytes('o\n')), '2026-01-01T00:00:01Z two\n');
  assert.equal(splitter.push(bytes('2026-01-01T00:00:02Z three')), '');
  assert.equal(splitter.end(), '2026-01-01T00:00:02Z three\n');
  assert.equal(splitter.end(), '');
});

test('a character split between two reads stays whole', () => {
  const splitter = new LogLineSplitter();
  const text = bytes('2026-01-01T00:00:00Z café ☕\n');
  const cut = text.indexOf(0xe2) + 1; // inside the three bytes of ☕
  assert.equal(splitter.push(text.subarray(0, cut)), '');
  assert.equal(splitter.push(text.subarray(cut)), '2026-01-01T00:00:00Z café ☕\n');
});

test('a log ending with a newline leaves nothing at the end', () => {
  const splitter = new LogLineSplitter();
  splitter.push(bytes('2026-01-01T00:00:00Z one\n'));
  assert.equal(splitter.end(), '');
});

test('a line longer than the limit is cut, each piece keeping the timestamp', () => {
  const splitter = new LogLineSplitter(40);
  const stamp = '2026-01-01T00:00:00Z ';
  const out = splitter.push(bytes(`${stamp}${'x'.repeat(50)}`)) + splitter.end();
  const lines = out.split('\n').slice(0, -1);
  assert.ok(lines.length >= 2);
  for (const line of lines) {
    assert.ok(line.startsWith(stamp), line);
    assert.ok(line.length <= 40, line);
  }
  assert.equal(lines.map((line) => line.slice(stamp.length)).join(''), 'x'.repeat(50));
});
