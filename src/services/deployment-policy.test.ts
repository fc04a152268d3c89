import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeploymentApprovalRepository } from '../store/repositories/deployment-approval-repository.ts';
import type {
  FreezePeriodRepository,
  FreezePeriodRow,
} from '../store/repositories/freeze-period-repository.ts';
import type { MemberRepository } from '../store/repositories/member-repository.ts';
import type {
  ProtectedEnvironmentRepository,
  ProtectedEnvironmentRow,
} from '../store/repositories/protected-environment-repository.ts';
import type { UserRepository, UserRow } from '../store/repositories/user-repository.ts';
import { approvalRuleOf, DeploymentPolicy, parseGrants } from './deployment-policy.ts';

const T = '2026-01-01T00:00:00.000Z';

function rule(name: string, values: Partial<ProtectedEnvironmentRow> = {}): ProtectedEnvironmentRow {
  return {
    id: 1,
    project_id: 1,
    name,
    deploy_access: '[]',
    approvers: '[]',
    required_approvals: 0,
    allow_self_approval: 0,
    shell_enabled: 1,
    logs_access: 'reporter',
    created_at: T,
    updated_at: T,
    ...values,
  };
}

function freeze(id: number, projectId: number | null, scope: string): FreezePeriodRow {
  return {
    id,
    project_id: projectId,
    freeze_start: '0 23 * * 5',
    freeze_end: '0 7 * * 1',
    cron_timezone: 'UTC',
    environment_scope: scope,
    created_at: T,
    updated_at: T,
  };
}

/** A policy over in-memory rows: project 1, members by user id, user 9 an admin. */
function policyOf(options: {
  rules?: ProtectedEnvironmentRow[];
  approvals?: Array<{ user_id: number; status: string }>;
  members?: Record<number, number>;
  freezes?: FreezePeriodRow[];
}) {
  const rules = {
    list: async () => options.rules ?? [],
  } as unknown as ProtectedEnvironmentRepository;
  const approvals = {
    listForDeployment: async () =>
      (options.approvals ?? []).map((a, index) => ({ id: index + 1, deployment_id: 1, ...a })),
  } as unknown as DeploymentApprovalRepository;
  const freezePeriods = {
    listApplicable: async (projectId: number) =>
      (options.freezes ?? []).filter((f) => f.project_id === null || f.project_id === projectId),
  } as unknown as FreezePeriodRepository;
  const members = {
    accessLevel: async (_projectId: number, userId: number) => options.members?.[userId] ?? null,
  } as unknown as MemberRepository;
  const users = {
    findById: async (id: number) => ({ id, is_admin: id === 9 ? 1 : 0 }) as UserRow,
  } as unknown as UserRepository;
  return new DeploymentPolicy({ protectedEnvironments: rules, approvals, freezePeriods, members, users });
}

test('parseGrants keeps well-formed grants only', () => {
  assert.deepEqual(parseGrants('[{"userId":3},{"accessLevel":40},{"other":1},null,5]'), [
    { userId: 3 },
    { accessLevel: 40 },
  ]);
  assert.deepEqual(parseGrants('not json'), []);
  assert.deepEqual(parseGrants('{"userId":3}'), []);
});

test('approvalRuleOf reads a row', () => {
  assert.deepEqual(
    approvalRuleOf(
      rule('production', {
        approvers: '[{"accessLevel":30}]',
        required_approvals: 2,
        allow_self_approval: 1,
      }),
    ),
    { requiredApprovals: 2, approvers: [{ accessLevel: 30 }], allowSelfApproval: true },
  );
});

test('protectedRuleFor picks the most specific matching rule', async () => {
  const policy = policyOf({ rules: [rule('*'), rule('review/*'), rule('review/app-*'), rule('production')] });
  const table: Array<[string, string]> = [
    ['production', 'production'],
    ['review/app-1', 'review/app-*'],
    ['review/x', 'review/*'],
    ['staging', '*'],
  ];
  for (const [environment, expected] of table) {
    assert.equal((await policy.protectedRuleFor(1, environment))?.name, expected, environment);
  }
  assert.equal(await policyOf({ rules: [rule('review/*')] }).protectedRuleFor(1, 'production'), undefined);
});

test('approvalState judges recorded decisions by the current rule', async () => {
  const deployment = { id: 1, project_id: 1, user_id: 2 };
  const members = { 2: 30, 3: 30, 4: 30, 5: 20 };
  const production = (required: number, self = 0) =>
    rule('production', {
      approvers: '[{"accessLevel":30}]',
      required_approvals: required,
      allow_self_approval: self,
    });
  const table: Array<
    [string, Parameters<typeof policyOf>[0], { state: string; approvedCount: number; requiredCount: number }]
  > = [
    [
      'no rule',
      { approvals: [{ user_id: 3, status: 'approved' }] },
      { state: 'not_required', approvedCount: 0, requiredCount: 0 },
    ],
    [
      'rule without approvals',
      { rules: [rule('production')] },
      { state: 'not_required', approvedCount: 0, requiredCount: 0 },
    ],
    [
      '1 of 2',
      { rules: [production(2)], members, approvals: [{ user_id: 3, status: 'approved' }] },
      { state: 'pending', approvedCount: 1, requiredCount: 2 },
    ],
    [
      '2 of 2',
      {
        rules: [production(2)],
        members,
        approvals: [
          { user_id: 3, status: 'approved' },
          { user_id: 4, status: 'approved' },
        ],
      },
      { state: 'approved', approvedCount: 2, requiredCount: 2 },
    ],
    [
      'self-approval off',
      { rules: [production(1)], members, approvals: [{ user_id: 2, status: 'approved' }] },
      { state: 'pending', approvedCount: 0, requiredCount: 1 },
    ],
    [
      'self-approval on',
      { rules: [production(1, 1)], members, approvals: [{ user_id: 2, status: 'approved' }] },
      { state: 'approved', approvedCount: 1, requiredCount: 1 },
    ],
    [
      'reporter not counted',
      { rules: [production(1)], members, approvals: [{ user_id: 5, status: 'approved' }] },
      { state: 'pending', approvedCount: 0, requiredCount: 1 },
    ],
    [
      'admin counts as maintainer',
      { rules: [production(1)], members, approvals: [{ user_id: 9, status: 'approved' }] },
      { state: 'approved', approvedCount: 1, requiredCount: 1 },
    ],
    [
      'rejection',
      {
        rules: [production(1)],
        members,
        approvals: [
          { user_id: 3, status: 'approved' },
          { user_id: 4, status: 'rejected' },
        ],
      },
      { state: 'rejected', approvedCount: 1, requiredCount: 1 },
    ],
  ];
  for (const [what, options, expected] of table) {
    assert.deepEqual(await policyOf(options).approvalState(deployment, 'production'), expected, what);
  }
});

test('mayDeploy: unprotected for anyone, protected by its grants, never for the system', async () => {
  const members = { 2: 30, 3: 40, 5: 20 };
  const open = policyOf({ members });
  assert.equal(await open.mayDeploy(5, 1, 'production'), true);
  assert.equal(await open.mayDeploy(null, 1, 'production'), true);
  const maintainersOnly = policyOf({ members, rules: [rule('production')] });
  const table: Array<[number | null, boolean]> = [
    [2, false],
    [3, true],
    [9, true],
    [null, false],
  ];
  for (const [user, expected] of table) {
    assert.equal(await maintainersOnly.mayDeploy(user, 1, 'production'), expected, `user ${user}`);
  }
  const listed = policyOf({ members, rules: [rule('production', { deploy_access: '[{"userId":5}]' })] });
  assert.equal(await listed.mayDeploy(5, 1, 'production'), true);
  assert.equal(await listed.mayDeploy(3, 1, 'production'), false);
});

test('activeFreeze considers project and instance periods by scope', async () => {
  const policy = policyOf({
    freezes: [freeze(2, 1, 'production'), freeze(3, null, 'review/*'), freeze(4, 7, '*')],
  });
  const saturday = new Date('2026-03-07T12:00:00Z');
  assert.equal((await policy.activeFreeze(1, 'production', saturday))?.period.id, 2);
  assert.equal((await policy.activeFreeze(1, 'review/a', saturday))?.period.id, 3);
  assert.equal(await policy.activeFreeze(1, 'staging', saturday), null);
  assert.equal(await policy.activeFreeze(1, 'production', new Date('2026-03-04T12:00:00Z')), null);
  const active = await policy.activeFreeze(1, 'production', saturday);
  assert.equal(active?.endsAt?.toISOString(), '2026-03-09T07:00:00.000Z');
  assert.equal(active?.period.projectId, 1);
});
