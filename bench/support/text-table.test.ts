import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixed, table } from './text-table.ts';

test('a table pads each column to its widest cell, two spaces apart, under a rule', () => {
  const text = table(
    'Latency',
    [{ header: 'endpoint' }, { header: 'n', align: 'right' }, { header: 'p50 ms', align: 'right' }],
    [
      ['GET /a', '100', '0.97'],
      ['GET /healthz', '5', '12.50'],
    ],
  );
  assert.equal(
    text,
    [
      'Latency',
      'endpoint        n  p50 ms',
      '------------  ---  ------',
      'GET /a        100    0.97',
      'GET /healthz    5   12.50',
    ].join('\n'),
  );
});

test('trailing spaces are trimmed from every row but the rule, and missing cells are empty', () => {
  const text = table('T', [{ header: 'fact' }, { header: 'value' }], [['date'], ['node', 'v24']]);
  assert.equal(text, ['T', 'fact  value', '----  -----', 'date', 'node  v24'].join('\n'));
});

test('a right-aligned column with a wider header pads cells on the left', () => {
  const text = table('T', [{ header: 'run' }, { header: 'projects/s', align: 'right' }], [['', '62.0']]);
  assert.equal(text, ['T', 'run  projects/s', '---  ----------', '           62.0'].join('\n'));
});

test('a table without rows has its title, header and rule', () => {
  assert.equal(
    table('Empty', [{ header: 'a' }, { header: 'bb', align: 'right' }], []),
    'Empty\na  bb\n-  --',
  );
});

test('fixed gives two decimals by default, or the digits asked for', () => {
  assert.equal(fixed(1.005), '1.00');
  assert.equal(fixed(1.23456), '1.23');
  assert.equal(fixed(62.04, 1), '62.0');
  assert.equal(fixed(691.6, 0), '692');
  assert.equal(fixed(-1.25, 1), '-1.3');
});

test('fixed shows a value that is not finite as a dash', () => {
  assert.equal(fixed(Number.NaN), '-');
  assert.equal(fixed(Number.POSITIVE_INFINITY, 1), '-');
  assert.equal(fixed(Number.NEGATIVE_INFINITY), '-');
});
