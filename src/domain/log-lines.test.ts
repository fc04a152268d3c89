import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterLines, linesAfter, splitLines, timestampKey } from './log-lines.ts';

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

describe('timestampKey', () => {
  it('orders nanoseconds, whatever the number of fraction digits', () => {
    const a = timestampKey('2026-11-29T10:00:00.1Z x');
    const b = timestampKey('2026-11-29T10:00:00.099999999Z x');
    assert.ok(a !== undefined && b !== undefined);
    assert.ok(b < a);
  });

  it('reads offsets as the same instant in UTC', () => {
    assert.equal(timestampKey('2026-11-29T11:00:00.5+01:00 x'), timestampKey('2026-11-29T10:00:00.500Z x'));
  });

  it('orders across seconds and without a fraction', () => {
    const early = timestampKey('2026-11-29T10:00:59.999999999Z x');
    const late = timestampKey('2026-11-29T10:01:00Z x');
    assert.ok(early !== undefined && late !== undefined && early < late);
  });

  for (const line of ['no timestamp', '2026-11-29 10:00:00Z x', '2026-11-29T10:00:00Zx']) {
    it(`is undefined for ${JSON.stringify(line)}`, () => assert.equal(timestampKey(line), undefined));
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
    const after = timestampKey('2026-11-29T10:00:00.2Z x');
    assert.deepEqual(linesAfter(lines, after), [
      'continuation without a timestamp',
      '2026-11-29T10:00:00.3Z three',
    ]);
  });

  it('keeps every line when nothing was shown yet', () => {
    assert.deepEqual(linesAfter(lines, undefined), lines);
  });
});
