import assert from 'node:assert/strict';
import { test } from 'node:test';
import { atLeast, grantsOf, roleLabel } from './access-level.ts';

test('roles are named by level; unknown levels by number', () => {
  assert.equal(roleLabel(20), 'Reporter');
  assert.equal(roleLabel(40), 'Maintainer');
  assert.equal(roleLabel(50), 'Level 50');
});

test('a role includes the ones below it; an unknown level holds none', () => {
  assert.equal(atLeast(40, 'developer'), true);
  assert.equal(atLeast(30, 'maintainer'), false);
  assert.equal(atLeast(20, 'reporter'), true);
  assert.equal(atLeast(undefined, 'reporter'), false);
});

test('grants list the role first, then each user once', () => {
  assert.deepEqual(grantsOf(30, [7, 7, 9]), [{ access_level: 30 }, { user_id: 7 }, { user_id: 9 }]);
  assert.deepEqual(grantsOf(null, []), []);
});
