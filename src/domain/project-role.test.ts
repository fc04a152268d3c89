import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACCESS_LEVEL, mayPerform, type ProjectAction, roleOfLevel } from './project-role.ts';

const cases: Array<[ProjectAction, string, boolean]> = [
  ['read', 'none', false],
  ['read', 'reporter', true],
  ['fetch', 'reporter', true],
  ['push', 'reporter', false],
  ['push', 'developer', true],
  ['manageMembers', 'developer', false],
  ['manageMembers', 'maintainer', true],
  ['manageProject', 'developer', false],
  ['manageProject', 'maintainer', true],
  ['deleteProject', 'maintainer', true],
  ['deleteProject', 'admin', true],
  ['push', 'admin', true],
];

for (const [action, who, expected] of cases) {
  test(`${who} ${expected ? 'may' : 'may not'} ${action}`, () => {
    const accessLevel = who in ACCESS_LEVEL ? ACCESS_LEVEL[who as keyof typeof ACCESS_LEVEL] : null;
    assert.equal(mayPerform(action, { isAdmin: who === 'admin', accessLevel }), expected);
  });
}

test('maps access levels back to roles', () => {
  assert.equal(roleOfLevel(40), 'maintainer');
  assert.equal(roleOfLevel(30), 'developer');
  assert.equal(roleOfLevel(20), 'reporter');
  assert.equal(roleOfLevel(50), undefined);
});
