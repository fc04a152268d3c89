import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GantryError } from '../../domain/errors.ts';
import { parseQuantity } from './quantity.ts';

// [quantity, value]: CPU in cores, memory in bytes, as metrics-server and manifests write them.
const cases: Array<[string, number]> = [
  ['12345678n', 0.012345678],
  ['250000u', 0.25],
  ['5m', 0.005],
  ['250m', 0.25],
  ['1', 1],
  ['2.5', 2.5],
  ['.5', 0.5],
  ['0', 0],
  ['16Mi', 16 * 1024 * 1024],
  ['123456Ki', 123456 * 1024],
  ['1Gi', 1024 ** 3],
  ['1.5Gi', 1.5 * 1024 ** 3],
  ['2Ti', 2 * 1024 ** 4],
  ['1Pi', 1024 ** 5],
  ['1Ei', 1024 ** 6],
  ['104857600', 104857600],
  ['1k', 1000],
  ['128M', 128e6],
  ['1G', 1e9],
  ['1T', 1e12],
  ['1P', 1e15],
  ['1E', 1e18],
  ['1e3', 1000],
  ['1E3', 1000],
  ['5e-3', 0.005],
  ['+3', 3],
  ['-1', -1],
];

for (const [text, expected] of cases) {
  test(`quantity ${text}`, () => {
    const value = parseQuantity(text);
    assert.ok(
      Math.abs(value - expected) <= Math.abs(expected) * 1e-12,
      `${text} → ${value}, expected ${expected}`,
    );
  });
}

for (const text of ['', 'Mi', '1 Mi', '1mi', '1KB', 'abc', '1.2.3', '--1', '1e', 'NaN']) {
  test(`not a quantity: ${JSON.stringify(text)}`, () => {
    assert.throws(
      () => parseQuantity(text),
      (error: unknown) => error instanceof GantryError && /is not a Kubernetes quantity/.test(error.message),
    );
  });
}
