import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAtBottom, visibleLines } from './log-window.ts';

test('visibleLines: the lines in view plus the overscan, clamped to the log', () => {
  const view = { height: 400, lineHeight: 20, overscan: 10 };
  const cases: [scrollTop: number, lineCount: number, expected: { first: number; end: number }][] = [
    [0, 100_000, { first: 0, end: 30 }],
    [1_000_000, 100_000, { first: 49_990, end: 50_030 }],
    [1_000_010, 100_000, { first: 49_990, end: 50_031 }],
    [1_999_600, 100_000, { first: 99_970, end: 100_000 }],
    [0, 5, { first: 0, end: 5 }],
    [0, 0, { first: 0, end: 0 }],
    [-50, 100, { first: 0, end: 30 }],
    [10_000, 20, { first: 20, end: 20 }],
  ];
  for (const [scrollTop, lineCount, expected] of cases)
    assert.deepEqual(
      visibleLines({ ...view, scrollTop, lineCount }),
      expected,
      `${scrollTop} of ${lineCount}`,
    );
});

test('isAtBottom allows a few pixels of slack', () => {
  assert.equal(isAtBottom(600, 400, 1000), true);
  assert.equal(isAtBottom(597.5, 400, 1000), true);
  assert.equal(isAtBottom(500, 400, 1000), false);
  assert.equal(isAtBottom(0, 400, 300), true, 'a log shorter than the view');
});
