import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type ApprovalRule,
  type ApprovalState,
  type Approver,
  approvalState,
  type Grant,
  grantMatches,
  mayApprove,
  mayDeploy,
} from './deployment-approval.ts';

const reporter: Approver = { userId: 1, accessLevel: 20, isAdmin: false };
const developer: Approver = { userId: 2, accessLevel: 30, isAdmin: false };
const maintainer: Approver = { userId: 3, accessLevel: 40, isAdmin: false };
const stranger: Approver = { userId: 4, accessLevel: null, isAdmin: false };
const admin: Approver = { userId: 5, accessLevel: null, isAdmin: true };
const adminReporter: Approver = { userId: 6, accessLevel: 20, isAdmin: true };
const alice: Approver = { userId: 10, accessLevel: 30, isAdmin: false };
const bob: Approver = { userId: 11, accessLevel: 30, isAdmin: false };
const carol: Approver = { userId: 12, accessLevel: 30, isAdmin: false };

// [what, grants, user, matches?]
const matches: Array<[string, Grant[], Approver, boolean]> = [
  ['nobody listed', [], maintainer, false],
  ['nobody listed, admin', [], admin, false],
  ['listed user', [{ userId: 2 }], developer, true],
  ['other user listed', [{ userId: 3 }], developer, false],
  ['developer level, developer', [{ accessLevel: 30 }], developer, true],
  ['developer level, maintainer', [{ accessLevel: 30 }], maintainer, true],
  ['developer level, reporter', [{ accessLevel: 30 }], reporter, false],
  ['developer level, non-member', [{ accessLevel: 30 }], stranger, false],
  ['reporter level, non-member', [{ accessLevel: 20 }], stranger, false],
  ['maintainer level, admin non-member', [{ accessLevel: 40 }], admin, true],
  ['maintainer level, admin reporter', [{ accessLevel: 40 }], adminReporter, true],
  ['owner level, admin', [{ accessLevel: 50 }], admin, false],
  ['listed user only, admin', [{ userId: 2 }], admin, false],
  ['listed admin', [{ userId: 5 }], admin, true],
  ['user or level', [{ userId: 4 }, { accessLevel: 40 }], stranger, true],
];
for (const [what, grants, user, expected] of matches) {
  test(`grant: ${what} → ${expected}`, () => assert.equal(grantMatches(grants, user), expected));
}

const byDevelopers: ApprovalRule = {
  requiredApprovals: 2,
  approvers: [{ accessLevel: 30 }],
  allowSelfApproval: false,
};
const selfAllowed: ApprovalRule = { ...byDevelopers, allowSelfApproval: true };

// [what, rule, user, triggered by, reason (null: may approve)]
const verdicts: Array<[string, ApprovalRule, Approver, number | null, string | null]> = [
  ['eligible developer', byDevelopers, alice, 99, null],
  ['reporter', byDevelopers, reporter, 99, 'user 1 is not an approver for this environment'],
  [
    'self-approval refused',
    byDevelopers,
    alice,
    10,
    'the user who triggered a deployment may not approve it',
  ],
  ['self-approval allowed', selfAllowed, alice, 10, null],
  ['no triggering user', byDevelopers, alice, null, null],
  ['ineligible and self', byDevelopers, reporter, 1, 'user 1 is not an approver for this environment'],
];
for (const [what, rule, user, triggeredBy, reason] of verdicts) {
  test(`may approve: ${what}`, () =>
    assert.deepEqual(
      mayApprove(rule, user, triggeredBy),
      reason === null ? { ok: true } : { ok: false, reason },
    ));
}

type Approval = { user: Approver; status: 'approved' | 'rejected' };
const approved = (user: Approver): Approval => ({ user, status: 'approved' });
const rejected = (user: Approver): Approval => ({ user, status: 'rejected' });
const twoOfThree: ApprovalRule = {
  requiredApprovals: 2,
  approvers: [{ userId: 10 }, { userId: 11 }, { userId: 12 }],
  allowSelfApproval: false,
};
const triggeredByMaintainer = 3;

// [what, rule, approvals, triggered by, expected]
const states: Array<[string, ApprovalRule | null, Approval[], number | null, ApprovalState]> = [
  ['no rule', null, [], 3, { state: 'not_required', approvedCount: 0, requiredCount: 0 }],
  [
    'zero approvals required',
    { ...twoOfThree, requiredApprovals: 0 },
    [approved(alice)],
    3,
    { state: 'not_required', approvedCount: 0, requiredCount: 0 },
  ],
  [
    '2 of 3, none yet',
    twoOfThree,
    [],
    triggeredByMaintainer,
    { state: 'pending', approvedCount: 0, requiredCount: 2 },
  ],
  [
    '2 of 3, one',
    twoOfThree,
    [approved(alice)],
    triggeredByMaintainer,
    { state: 'pending', approvedCount: 1, requiredCount: 2 },
  ],
  [
    '2 of 3, two',
    twoOfThree,
    [approved(alice), approved(carol)],
    triggeredByMaintainer,
    { state: 'approved', approvedCount: 2, requiredCount: 2 },
  ],
  [
    '2 of 3, all three',
    twoOfThree,
    [approved(alice), approved(bob), approved(carol)],
    triggeredByMaintainer,
    { state: 'approved', approvedCount: 3, requiredCount: 2 },
  ],
  [
    'one user approving twice counts once',
    twoOfThree,
    [approved(alice), approved(alice)],
    triggeredByMaintainer,
    { state: 'pending', approvedCount: 1, requiredCount: 2 },
  ],
  [
    'self-approval off: the triggering user does not count',
    twoOfThree,
    [approved(alice), approved(bob)],
    alice.userId,
    { state: 'pending', approvedCount: 1, requiredCount: 2 },
  ],
  [
    'self-approval on: the triggering user counts',
    { ...twoOfThree, allowSelfApproval: true },
    [approved(alice), approved(bob)],
    alice.userId,
    { state: 'approved', approvedCount: 2, requiredCount: 2 },
  ],
  [
    'an approval by a user no longer listed stops counting',
    { ...twoOfThree, approvers: [{ userId: 11 }, { userId: 12 }] },
    [approved(alice), approved(bob)],
    triggeredByMaintainer,
    { state: 'pending', approvedCount: 1, requiredCount: 2 },
  ],
  [
    'an approval by a user whose role dropped stops counting',
    byDevelopers,
    [approved({ ...alice, accessLevel: 20 }), approved(bob)],
    triggeredByMaintainer,
    { state: 'pending', approvedCount: 1, requiredCount: 2 },
  ],
  [
    'a rejection by an approver rejects',
    twoOfThree,
    [approved(alice), approved(bob), rejected(carol)],
    triggeredByMaintainer,
    { state: 'rejected', approvedCount: 2, requiredCount: 2 },
  ],
  [
    'a rejection by someone not an approver is ignored',
    twoOfThree,
    [approved(alice), rejected(developer)],
    triggeredByMaintainer,
    { state: 'pending', approvedCount: 1, requiredCount: 2 },
  ],
  [
    'the triggering user may reject their own deployment',
    twoOfThree,
    [rejected(alice)],
    alice.userId,
    { state: 'rejected', approvedCount: 0, requiredCount: 2 },
  ],
  [
    'admins count as maintainers for role grants',
    { requiredApprovals: 1, approvers: [{ accessLevel: 40 }], allowSelfApproval: false },
    [approved(admin)],
    triggeredByMaintainer,
    { state: 'approved', approvedCount: 1, requiredCount: 1 },
  ],
];
for (const [what, rule, approvals, triggeredBy, expected] of states) {
  test(`approval state: ${what} → ${expected.state}`, () =>
    assert.deepEqual(approvalState(rule, approvals, triggeredBy), expected));
}

// [what, deploy access, user, may deploy?]
const deploys: Array<[string, Grant[], Approver, boolean]> = [
  ['empty list, maintainer', [], maintainer, true],
  ['empty list, admin', [], admin, true],
  ['empty list, admin reporter', [], adminReporter, true],
  ['empty list, developer', [], developer, false],
  ['empty list, non-member', [], stranger, false],
  ['developers, developer', [{ accessLevel: 30 }], developer, true],
  ['developers, reporter', [{ accessLevel: 30 }], reporter, false],
  ['one user, that user', [{ userId: 1 }], reporter, true],
  ['one user, a maintainer', [{ userId: 1 }], maintainer, false],
  ['one user, an admin', [{ userId: 1 }], admin, false],
];
for (const [what, deployAccess, user, expected] of deploys) {
  test(`may deploy: ${what} → ${expected}`, () => assert.equal(mayDeploy(deployAccess, user), expected));
}
