import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../../src/domain/actor.ts';
import { AuditLog } from '../../src/services/audit-log.ts';
import {
  type ApprovalEffects,
  DeploymentApprovalService,
} from '../../src/services/deployment-approval-service.ts';
import { DeploymentPolicy } from '../../src/services/deployment-policy.ts';
import { ProjectAccess } from '../../src/services/project-access.ts';
import { AuditEventRepository } from '../../src/store/repositories/audit-event-repository.ts';
import { DeploymentApprovalRepository } from '../../src/store/repositories/deployment-approval-repository.ts';
import { DeploymentRepository } from '../../src/store/repositories/deployment-repository.ts';
import { EnvironmentRepository } from '../../src/store/repositories/environment-repository.ts';
import { FreezePeriodRepository } from '../../src/store/repositories/freeze-period-repository.ts';
import { MemberRepository } from '../../src/store/repositories/member-repository.ts';
import { ProjectRepository } from '../../src/store/repositories/project-repository.ts';
import { ProtectedEnvironmentRepository } from '../../src/store/repositories/protected-environment-repository.ts';
import { UserRepository } from '../../src/store/repositories/user-repository.ts';
import { recordDeployment } from '../support/deployment-rows.ts';
import { DIALECTS, dialectSuiteOptions } from '../support/dialects.ts';
import { createUserWithToken, startTestServer, type TestServer } from '../support/test-server.ts';

interface Approval {
  id: number;
  user: { id: number; username: string; name: string };
  status: 'approved' | 'rejected';
  comment: string | null;
  created_at: string;
}
interface Summary {
  deployment_id: number;
  status: string;
  approval_state: { state: string; approved_count: number; required_count: number };
  approvals: Approval[];
}
interface ErrorBody {
  error: { code: string; message: string };
}
interface AuditEvent {
  project_id: number | null;
  action: string;
  target_type: string;
  target_id: number | null;
  details: Record<string, unknown>;
  author: { id: number; username: string } | null;
}

type Person = 'maintainer' | 'dev1' | 'dev2' | 'dev3' | 'reporter' | 'outsider';

for (const dialect of DIALECTS) {
  describe(`deployment approvals API on ${dialect}`, dialectSuiteOptions(dialect), () => {
    let t: TestServer;
    const people = {} as Record<Person, { id: number; token: string }>;
    let policy: DeploymentPolicy;
    let counter = 0;

    /** A project with every person but the outsider as a member, and a rule for `production`. */
    async function project(rule?: Record<string, unknown>): Promise<number> {
      const created = await t.api<{ id: number }>('POST', 'projects', {
        token: people.maintainer.token,
        body: { path: `approve/p${counter++}` },
      });
      assert.equal(created.status, 201);
      for (const [person, level] of [
        ['dev1', 30],
        ['dev2', 30],
        ['dev3', 30],
        ['reporter', 20],
      ] as const) {
        const added = await t.api('POST', `projects/${created.body.id}/members`, {
          token: people.maintainer.token,
          body: { user_id: people[person].id, access_level: level },
        });
        assert.equal(added.status, 201);
      }
      if (rule) {
        const protectedEnvironment = await t.api(
          'POST',
          `projects/${created.body.id}/protected_environments`,
          {
            token: people.maintainer.token,
            body: { name: 'production', ...rule },
          },
        );
        assert.equal(protectedEnvironment.status, 201, JSON.stringify(protectedEnvironment.body));
      }
      return created.body.id;
    }

    /** A deployment row, as the pipeline engine would record one awaiting approval. */
    const deployment = (
      projectId: number,
      options: { environment?: string; triggeredBy?: Person; status?: string } = {},
    ) =>
      recordDeployment(t.server.store.db, {
        projectId,
        environment: options.environment ?? 'production',
        userId: people[options.triggeredBy ?? 'maintainer'].id,
        ...(options.status && { status: options.status }),
      });

    const decide = (projectId: number, deploymentId: number, person: Person, body: Record<string, unknown>) =>
      t.api<Summary & ErrorBody>('POST', `projects/${projectId}/deployments/${deploymentId}/approval`, {
        token: people[person].token,
        body,
      });

    before(async () => {
      t = await startTestServer(dialect, { env: { GANTRY_RUNNER_CONCURRENCY: '0' } });
      for (const person of ['maintainer', 'dev1', 'dev2', 'dev3', 'reporter', 'outsider'] as const) {
        people[person] = await createUserWithToken(t, `appr-${person}`);
      }
      const db = t.server.store.db;
      policy = new DeploymentPolicy({
        protectedEnvironments: new ProtectedEnvironmentRepository(db),
        approvals: new DeploymentApprovalRepository(db),
        freezePeriods: new FreezePeriodRepository(db),
        members: new MemberRepository(db),
        users: new UserRepository(db),
      });
    });
    after(() => t?.stop());

    test('2 of 3 approvers by role: pending after one, approved after two; reporters are not approvers', async () => {
      const id = await project({ required_approval_count: 2, approval_rules: [{ access_level: 30 }] });
      const deploymentId = await deployment(id);
      const denied = await decide(id, deploymentId, 'reporter', { status: 'approved' });
      assert.equal(denied.status, 403);
      assert.match(denied.body.error.message, /not an approver/);

      const first = await decide(id, deploymentId, 'dev1', { status: 'approved', comment: 'looks good' });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.equal(first.body.deployment_id, deploymentId);
      assert.equal(first.body.status, 'approved');
      assert.deepEqual(first.body.approval_state, { state: 'pending', approved_count: 1, required_count: 2 });
      assert.deepEqual(
        first.body.approvals.map((a) => [a.user.username, a.status, a.comment]),
        [['appr-dev1', 'approved', 'looks good']],
      );
      const second = await decide(id, deploymentId, 'dev2', { status: 'approved' });
      assert.equal(second.status, 201);
      assert.deepEqual(second.body.approval_state, {
        state: 'approved',
        approved_count: 2,
        required_count: 2,
      });
      assert.deepEqual(
        second.body.approvals.map((a) => [a.user.id, a.comment]),
        [
          [people.dev1.id, 'looks good'],
          [people.dev2.id, null],
        ],
      );
    });

    test('2 of 3 approvers by user id; users not listed may not approve, whatever their role', async () => {
      const id = await project({
        required_approval_count: 2,
        approval_rules: [
          { user_id: people.dev1.id },
          { user_id: people.dev2.id },
          { user_id: people.reporter.id },
        ],
      });
      const deploymentId = await deployment(id);
      const notListed = await decide(id, deploymentId, 'dev3', { status: 'approved' });
      assert.equal(notListed.status, 403);
      assert.match(notListed.body.error.message, /not an approver/);
      const first = await decide(id, deploymentId, 'reporter', { status: 'approved' });
      assert.equal(first.status, 201);
      assert.equal(first.body.approval_state.state, 'pending');
      const second = await decide(id, deploymentId, 'dev2', { status: 'approved' });
      assert.deepEqual(second.body.approval_state, {
        state: 'approved',
        approved_count: 2,
        required_count: 2,
      });
    });

    test('self-approval: refused unless the rule allows it', async () => {
      const id = await project({ required_approval_count: 1, approval_rules: [{ access_level: 30 }] });
      const deploymentId = await deployment(id, { triggeredBy: 'dev1' });
      const self = await decide(id, deploymentId, 'dev1', { status: 'approved' });
      assert.equal(self.status, 403);
      assert.match(self.body.error.message, /triggered a deployment may not approve it/);
      assert.equal(
        (
          await t.server.store.db
            .selectFrom('deployment_approvals')
            .selectAll()
            .where('deployment_id', '=', deploymentId)
            .execute()
        ).length,
        0,
      );

      await t.api('PUT', `projects/${id}/protected_environments/production`, {
        token: people.maintainer.token,
        body: { allow_self_approval: true },
      });
      const allowed = await decide(id, deploymentId, 'dev1', { status: 'approved' });
      assert.equal(allowed.status, 201, JSON.stringify(allowed.body));
      assert.deepEqual(allowed.body.approval_state, {
        state: 'approved',
        approved_count: 1,
        required_count: 1,
      });
    });

    test('a rejection is recorded with its comment and rejects the deployment', async () => {
      const id = await project({ required_approval_count: 2, approval_rules: [{ access_level: 30 }] });
      const deploymentId = await deployment(id, { triggeredBy: 'dev1' });
      // Rejecting one's own deployment is allowed: the self-approval rule guards approvals only.
      const rejected = await decide(id, deploymentId, 'dev1', { status: 'rejected', comment: 'wrong build' });
      assert.equal(rejected.status, 201, JSON.stringify(rejected.body));
      assert.equal(rejected.body.status, 'rejected');
      assert.deepEqual(rejected.body.approval_state, {
        state: 'rejected',
        approved_count: 0,
        required_count: 2,
      });
      const history = await t.api<Approval[]>('GET', `projects/${id}/deployments/${deploymentId}/approvals`, {
        token: people.reporter.token,
      });
      assert.deepEqual(
        history.body.map((a) => [a.user.username, a.status, a.comment]),
        [['appr-dev1', 'rejected', 'wrong build']],
      );
      // Only approvers may reject.
      const other = await deployment(id);
      const denied = await decide(id, other, 'reporter', { status: 'rejected' });
      assert.equal(denied.status, 403);
    });

    test('a user decides once per deployment', async () => {
      const id = await project({ required_approval_count: 3, approval_rules: [{ access_level: 30 }] });
      const deploymentId = await deployment(id);
      assert.equal((await decide(id, deploymentId, 'dev1', { status: 'approved' })).status, 201);
      for (const status of ['approved', 'rejected']) {
        const again = await decide(id, deploymentId, 'dev1', { status });
        assert.equal(again.status, 409, status);
        assert.match(again.body.error.message, /already approved/);
      }
      // Concurrent decisions of one user: one is stored.
      const racing = await Promise.all([
        decide(id, deploymentId, 'dev2', { status: 'approved' }),
        decide(id, deploymentId, 'dev2', { status: 'approved' }),
      ]);
      assert.deepEqual(racing.map((r) => r.status).sort(), [201, 409]);
      const history = await t.api<Approval[]>('GET', `projects/${id}/deployments/${deploymentId}/approvals`, {
        token: people.dev1.token,
      });
      assert.deepEqual(
        history.body.map((a) => a.user.username),
        ['appr-dev1', 'appr-dev2'],
      );
    });

    test('only blocked deployments to environments needing approval take decisions', async () => {
      const id = await project({ required_approval_count: 1, approval_rules: [{ access_level: 30 }] });
      const finished = await deployment(id, { status: 'success' });
      const notBlocked = await decide(id, finished, 'dev1', { status: 'approved' });
      assert.equal(notBlocked.status, 409);
      assert.match(notBlocked.body.error.message, /is success, not blocked/);

      const unprotected = await deployment(id, { environment: 'staging' });
      const noRule = await decide(id, unprotected, 'dev1', { status: 'approved' });
      assert.equal(noRule.status, 400);
      assert.match(noRule.body.error.message, /deployments to staging need no approval/);

      await t.api('POST', `projects/${id}/protected_environments`, {
        token: people.maintainer.token,
        body: { name: 'review/*', deploy_access_levels: [{ access_level: 30 }] },
      });
      const noApprovals = await decide(id, await deployment(id, { environment: 'review/app' }), 'dev1', {
        status: 'approved',
      });
      assert.equal(noApprovals.status, 400);
      assert.match(noApprovals.body.error.message, /review\/app need no approval/);

      const blocked = await deployment(id);
      assert.equal((await decide(id, blocked, 'outsider', { status: 'approved' })).status, 404);
      const otherProject = await project();
      assert.equal((await decide(otherProject, blocked, 'maintainer', { status: 'approved' })).status, 404);
      assert.equal((await decide(id, 999_999, 'dev1', { status: 'approved' })).status, 404);
      for (const body of [
        { status: 'maybe' },
        {},
        { status: 'approved', comment: 'x'.repeat(1001) },
        { status: 'approved', extra: 1 },
      ]) {
        assert.equal(
          (await decide(id, blocked, 'dev1', body)).status,
          400,
          JSON.stringify(body).slice(0, 60),
        );
      }
      const deployRejected = await decide(id, blocked, 'dev1', { status: 'rejected', deploy: true });
      assert.equal(deployRejected.status, 400);
      const history = await t.api<Approval[]>('GET', `projects/${id}/deployments/${blocked}/approvals`, {
        token: people.dev1.token,
      });
      assert.deepEqual(history.body, []);
    });

    test('history survives rule changes; the state is judged by the rule as it is now', async () => {
      const id = await project({ required_approval_count: 2, approval_rules: [{ access_level: 30 }] });
      const deploymentId = await deployment(id);
      const first = await decide(id, deploymentId, 'dev1', { status: 'approved' });
      assert.deepEqual(first.body.approval_state, { state: 'pending', approved_count: 1, required_count: 2 });
      const row = { id: deploymentId, project_id: id, user_id: people.maintainer.id };

      const setRequired = async (count: number) => {
        const response = await t.api('PUT', `projects/${id}/protected_environments/production`, {
          token: people.maintainer.token,
          body: { required_approval_count: count },
        });
        assert.equal(response.status, 200);
      };
      await setRequired(1);
      assert.deepEqual(await policy.approvalState(row, 'production'), {
        state: 'approved',
        approvedCount: 1,
        requiredCount: 1,
      });
      await setRequired(3);
      assert.deepEqual(await policy.approvalState(row, 'production'), {
        state: 'pending',
        approvedCount: 1,
        requiredCount: 3,
      });
      // An approver no longer eligible stops counting; the record stays.
      await t.api('PUT', `projects/${id}/protected_environments/production`, {
        token: people.maintainer.token,
        body: { approval_rules: [{ user_id: people.dev2.id }] },
      });
      assert.equal((await policy.approvalState(row, 'production')).approvedCount, 0);
      await t.api('DELETE', `projects/${id}/protected_environments/production`, {
        token: people.maintainer.token,
      });
      assert.deepEqual(await policy.approvalState(row, 'production'), {
        state: 'not_required',
        approvedCount: 0,
        requiredCount: 0,
      });
      const history = await t.api<Approval[]>('GET', `projects/${id}/deployments/${deploymentId}/approvals`, {
        token: people.reporter.token,
      });
      assert.deepEqual(
        history.body.map((a) => [a.user.username, a.status]),
        [['appr-dev1', 'approved']],
      );
    });

    test('the approvals list is for project readers', async () => {
      const id = await project({ required_approval_count: 1, approval_rules: [{ access_level: 30 }] });
      const deploymentId = await deployment(id);
      await decide(id, deploymentId, 'dev1', { status: 'approved', comment: 'ok' });
      const list = await t.api<Approval[]>('GET', `projects/${id}/deployments/${deploymentId}/approvals`, {
        token: people.reporter.token,
      });
      assert.equal(list.status, 200);
      assert.equal(list.body.length, 1);
      assert.deepEqual(list.body[0]!.user, { id: people.dev1.id, username: 'appr-dev1', name: 'appr-dev1' });
      assert.equal(list.body[0]!.comment, 'ok');
      assert.ok(!Number.isNaN(Date.parse(list.body[0]!.created_at)));
      assert.equal(
        (
          await t.api('GET', `projects/${id}/deployments/${deploymentId}/approvals`, {
            token: people.outsider.token,
          })
        ).status,
        404,
      );
    });

    test('the approval state says where a deployment stands for project readers; not_required without a rule', async () => {
      const id = await project({ required_approval_count: 2, approval_rules: [{ access_level: 30 }] });
      const deploymentId = await deployment(id);
      await decide(id, deploymentId, 'dev1', { status: 'approved', comment: 'ok' });
      const standing = await t.api<Omit<Summary, 'status'>>(
        'GET',
        `projects/${id}/deployments/${deploymentId}/approval_state`,
        { token: people.reporter.token },
      );
      assert.equal(standing.status, 200, JSON.stringify(standing.body));
      assert.equal(standing.body.deployment_id, deploymentId);
      assert.deepEqual(standing.body.approval_state, {
        state: 'pending',
        approved_count: 1,
        required_count: 2,
      });
      assert.deepEqual(
        standing.body.approvals.map((a) => [a.user.username, a.status, a.comment]),
        [['appr-dev1', 'approved', 'ok']],
      );

      const manual = await deployment(id, { environment: 'staging' });
      const notRequired = await t.api<Omit<Summary, 'status'>>(
        'GET',
        `projects/${id}/deployments/${manual}/approval_state`,
        { token: people.reporter.token },
      );
      assert.deepEqual(notRequired.body.approval_state, {
        state: 'not_required',
        approved_count: 0,
        required_count: 0,
      });
      for (const [path, token] of [
        [`projects/${id}/deployments/${deploymentId}/approval_state`, people.outsider.token],
        [`projects/${id}/deployments/999999/approval_state`, people.reporter.token],
        [`projects/${await project()}/deployments/${deploymentId}/approval_state`, people.maintainer.token],
      ] as const) {
        assert.equal((await t.api('GET', path, { token })).status, 404, path);
      }
    });

    test('approvals and rejections are audited and visible to maintainers and admins', async () => {
      const id = await project({ required_approval_count: 2, approval_rules: [{ access_level: 30 }] });
      const approvedId = await deployment(id);
      const rejectedId = await deployment(id);
      await decide(id, approvedId, 'dev1', { status: 'approved', comment: 'fine' });
      await decide(id, rejectedId, 'dev2', { status: 'rejected', comment: 'no' });
      const events = await t.api<AuditEvent[]>('GET', `projects/${id}/audit_events`, {
        token: people.maintainer.token,
      });
      assert.equal(events.status, 200);
      const decisions = events.body.filter((e) => e.target_type === 'deployment');
      assert.deepEqual(
        decisions.map((e) => [
          e.action,
          e.target_id,
          e.author?.username,
          e.details.comment,
          e.details.environment,
        ]),
        [
          ['reject', rejectedId, 'appr-dev2', 'no', 'production'],
          ['approve', approvedId, 'appr-dev1', 'fine', 'production'],
        ],
      );
      const onlyRejections = await t.api<AuditEvent[]>('GET', `projects/${id}/audit_events?action=reject`, {
        token: people.maintainer.token,
      });
      assert.deepEqual(
        onlyRejections.body.map((e) => e.target_id),
        [rejectedId],
      );
      for (const person of ['dev1', 'reporter'] as const) {
        assert.equal(
          (await t.api('GET', `projects/${id}/audit_events`, { token: people[person].token })).status,
          403,
          person,
        );
      }
      assert.equal(
        (await t.api('GET', `projects/${id}/audit_events`, { token: people.outsider.token })).status,
        404,
      );
      const admin = await t.api<AuditEvent[]>('GET', `audit_events?project_id=${id}&action=approve`);
      assert.deepEqual(
        admin.body.map((e) => [e.project_id, e.target_id]),
        [[id, approvedId]],
      );
      assert.equal((await t.api('GET', 'audit_events', { token: people.maintainer.token })).status, 403);
    });

    test('every decision reaches the deploy engine; "approve and deploy" also deploys', async () => {
      const db = t.server.store.db;
      const calls: string[] = [];
      const effects: ApprovalEffects = {
        afterDecision: async (deploymentId, status) => {
          calls.push(`afterDecision ${deploymentId} ${status}`);
        },
        deploy: async (actor, deploymentId) => {
          calls.push(`deploy ${deploymentId} by ${actor.username}`);
        },
      };
      const projects = new ProjectRepository(db);
      const service = new DeploymentApprovalService({
        approvals: new DeploymentApprovalRepository(db),
        deployments: new DeploymentRepository(db),
        environments: new EnvironmentRepository(db),
        policy,
        access: new ProjectAccess(projects, new MemberRepository(db)),
        audit: new AuditLog(new AuditEventRepository(db)),
        effects,
      });
      const actor = (person: Person): Actor => ({
        userId: people[person].id,
        username: `appr-${person}`,
        isAdmin: false,
        scopes: ['api'],
      });
      const id = await project({
        required_approval_count: 1,
        approval_rules: [{ access_level: 30 }],
        deploy_access_levels: [{ user_id: people.dev2.id }],
      });
      const first = await deployment(id);
      await service.decide(actor('dev1'), String(id), first, { status: 'rejected' });
      assert.deepEqual(calls, [`afterDecision ${first} rejected`]);

      calls.length = 0;
      const second = await deployment(id);
      await service.decide(actor('dev2'), String(id), second, { status: 'approved', deploy: true });
      assert.deepEqual(calls, [`afterDecision ${second} approved`, `deploy ${second} by appr-dev2`]);

      calls.length = 0;
      const third = await deployment(id);
      await service.decide(actor('dev1'), String(id), third, { status: 'approved' });
      assert.deepEqual(calls, [`afterDecision ${third} approved`]);

      // Approve and deploy needs the right to deploy too; without it nothing is stored.
      calls.length = 0;
      const fourth = await deployment(id);
      await assert.rejects(
        service.decide(actor('dev3'), String(id), fourth, { status: 'approved', deploy: true }),
        /may approve but not deploy to production/,
      );
      assert.deepEqual(calls, []);
      assert.deepEqual(await new DeploymentApprovalRepository(db).listForDeployment(fourth), []);
    });
  });
}
