import assert from 'node:assert/strict';
import { test } from 'node:test';
import { offsetOf, pageRequest, paginationHeaders } from './pagination.ts';

test('defaults and clamps like GitLab', () => {
  assert.deepEqual(pageRequest(undefined, undefined), { page: 1, perPage: 20 });
  assert.deepEqual(pageRequest(0, 1000), { page: 1, perPage: 100 });
  assert.equal(offsetOf(pageRequest(3, 10)), 20);
});

test('headers name total, pages and neighbours', () => {
  assert.deepEqual(paginationHeaders({ items: [], total: 45, request: { page: 2, perPage: 20 } }), {
    'x-total': '45',
    'x-total-pages': '3',
    'x-per-page': '20',
    'x-page': '2',
    'x-next-page': '3',
    'x-prev-page': '1',
  });
  const last = paginationHeaders({ items: [], total: 0, request: { page: 1, perPage: 20 } });
  assert.equal(last['x-total-pages'], '1');
  assert.equal(last['x-next-page'], '');
  assert.equal(last['x-prev-page'], '');
});
