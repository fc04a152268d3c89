import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterLines, instantNanos, lineInstant, linesAfter, splitLines, utcInstant } from './log-lines.ts';

describe('splitLines', () => {
  const cases: [string, string[]][] = [
    ['a\nb\n', ['a', 'b']],
    ['a\n', ['a']],
    ['', []],
    ['a\n\nb\n', ['a', '', 'b']],
  ];
  for (const [text, lines] of cases) {
    it(`splits ${JSON.stringify(text)}`, () => assert.deepEqual(splitLines(text), lines));
  }
});

describe('instantNanos', () => {
  it('reads RFC 3339 with up to nine fractional digits and any offset', () => {
    assert.equal(instantNanos('2026-11-29T09:49:08.974518029Z'), 1_795_945_748_974_518_029n);
    assert.equal(instantNanos('2026-11-29T10:49:08.1+01:00'), 1_795_945_748_100_000_000n);
  });

  it('orders instants whatever the number of fraction digits', () => {
    const ordered = [
      '2026-01-01T00:00:00Z',
      '2026-01-01T00:00:00.000000001Z',
      '2026-01-01T00:00:00.1Z',
      '2026-01-01T01:00:00.2+01:00',
      '2026-01-01T00:00:00.25Z',
      '2026-01-01T00:00:01Z',
    ].map((text) => instantNanos(text) ?? assert.fail(text));
    assert.deepEqual(
      [...ordered].sort((a, b) => (a < b ? -1 : 1)),
      ordered,
    );
  });

  for (const text of ['2026-11-29 09:49:08', 'yesterday', '2026-01-01', '2026-01-01T00:00:00', '']) {
    it(`is undefined for ${JSON.stringify(text)}`, () => assert.equal(instantNanos(text), undefined));
  }
});

describe('utcInstant', () => {
  it('writes RFC 3339 in UTC with the fraction trimmed', () => {
    assert.equal(utcInstant(1_795_945_748_974_518_029n), '2026-11-29T09:49:08.974518029Z');
    assert.equal(utcInstant(1_795_945_748_100_000_000n), '2026-11-29T09:49:08.1Z');
    assert.equal(utcInstant(1_795_945_748_000_000_000n), '2026-11-29T09:49:08Z');
  });
});

describe('lineInstant', () => {
  it('reads the timestamp a line starts with', () => {
    assert.equal(lineInstant('2026-11-29T09:49:08.1Z hello world'), 1_795_945_748_100_000_000n);
  });

  for (const line of ['no timestamp', '2026-11-29T10:00:00Zx', '2026-11-29T10:00:00Z']) {
    it(`is undefined for ${JSON.stringify(line)}`, () => assert.equal(lineInstant(line), undefined));
  }
});

describe('filterLines', () => {
  it('keeps the lines containing the filter, ignoring case', () => {
    assert.deepEqual(filterLines(['GET /a 200', 'error: boom', 'ERROR again'], 'error'), [
      'error: boom',
      'ERROR again',
    ]);
  });

  it('keeps everything for an empty filter', () => {
    assert.deepEqual(filterLines(['a', 'b'], ''), ['a', 'b']);
  });
});

describe('linesAfter', () => {
  const lines = [
    '2026-11-29T10:00:00.1Z one',
    '2026-11-29T10:00:00.2Z two',
    'continuation without a timestamp',
    '2026-11-29T10:00:00.3Z three',
  ];

  it('leaves out lines up to and including the given instant', () => {
    assert.deepEqual(linesAfter(lines, instantNanos('2026-11-29T10:00:00.2Z')), [
      'continuation without a timestamp',
      '2026-11-29T10:00:00.3Z three',
    ]);
  });

  it('keeps every line when nothing was shown yet', () => {
    assert.deepEqual(linesAfter(lines, undefined), lines);
  });
});
