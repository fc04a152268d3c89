import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deploymentRow, environmentRow } from '../../test/support/store-rows.ts';
import type { Actor } from '../domain/actor.ts';
import type { ShellSessionRow } from '../store/repositories/shell-session-repository.ts';
import type { EnvironmentOperations, ExecExit, ExecRequest } from '../targets/environment-operations.ts';
import type { AuditEntry } from './audit-log.ts';
import type { AuthorizedEnvironment } from './environment-operations-access.ts';
import { EnvironmentShellService } from './environment-shell-service.ts';

const ACTOR: Actor = { userId: 4, username: 'mo', isAdmin: false, scopes: ['api'] };

/**
 * The service around a faked target exec (the real ones are tested against Podman and the rig):
 * what it records, when it ends a shell for idleness, and what it refuses before starting one.
 */
function setup(idleTimeoutMs: number, options: { recheckMs?: number; failExec?: boolean } = {}) {
  const environment = environmentRow();
  const authorized = {
    project: { id: 1, path: 'g/app' },
    environment,
    current: {
      environment,
      deployment: deploymentRow({ id: 7 }),
      snapshot: { kind: 'podman' },
      target: { id: 3 },
    },
  } as unknown as AuthorizedEnvironment;
  const rows: ShellSessionRow[] = [];
  const audit: AuditEntry[] = [];
  const requests: ExecRequest[] = [];
  let closedOperations = 0;
  let endExec: (exit: ExecExit) => void = () => {};
  const written: string[] = [];
  const operations: EnvironmentOperations = {
    containers: async () => [],
    logs: () => (async function* () {})(),
    async exec(request) {
      requests.push(request);
      if (options.failExec) throw new Error('container not running');
      let end: (exit: ExecExit) => void = () => {};
      const exited = new Promise<ExecExit>((resolve) => {
        end = resolve;
      });
      endExec = end;
      return {
        pod: 'app-pod-0',
        container: request.container ?? 'app',
        write: (data) => written.push(Buffer.from(data).toString()),
        resize: () => {},
        onOutput: () => {},
        pause: () => {},
        resume: () => {},
        exited,
        close: () => end({ exitCode: null }),
      };
    },
    sample: async () => [],
    close: async () => {
      closedOperations++;
    },
  };
  const service = new EnvironmentShellService({
    access: {
      authorize: async () => authorized,
      check: async () => authorized,
      open: async () => operations,
    },
    roles: { require: async () => {} },
    sessions: {
      insert: async (values) => {
        const row = { ...values, id: rows.length + 1, ended_at: null, exit_code: null, end_reason: null };
        rows.push(row);
        return row;
      },
      place: async (id, pod, container) => {
        Object.assign(rows[id - 1]!, { pod, container });
      },
      end: async (id, ending) => {
        Object.assign(rows[id - 1]!, ending);
      },
      list: async () => [],
      count: async () => 0,
    },
    audit: { record: async (entry) => void audit.push(entry) },
    idleTimeoutMs,
    ...(options.recheckMs !== undefined && { recheckMs: options.recheckMs }),
    onError: (error) => assert.fail(String(error)),
  });
  return {
    service,
    rows,
    audit,
    requests,
    written,
    endExec: (exit: ExecExit) => endExec(exit),
    get closedOperations() {
      return closedOperations;
    },
  };
}

const request = { command: [], size: { cols: 80, rows: 24 } };
const stillAllowed = async () => ACTOR;

describe('EnvironmentShellService', () => {
  it('records who opened which container and how the shell ended', async () => {
    const s = setup(60_000);
    const shell = await s.service.open(ACTOR, '1', 5, { ...request, container: 'app' }, stillAllowed);
    assert.deepEqual(s.requests[0]?.command, ['sh']);
    assert.equal(s.rows[0]?.username, 'mo');
    assert.equal(s.rows[0]?.container, 'app');
    assert.equal(s.rows[0]?.ended_at, null);
    assert.equal(s.audit[0]?.action, 'shell');
    shell.write(Buffer.from('exit 3\n'));
    s.endExec({ exitCode: 3 });
    assert.deepEqual(await shell.ended, { exitCode: 3, reason: 'exited' });
    assert.equal(s.rows[0]?.exit_code, 3);
    assert.equal(s.rows[0]?.end_reason, 'exited');
    assert.notEqual(s.rows[0]?.ended_at, null);
    assert.equal(s.closedOperations, 1);
    assert.deepEqual(s.written, ['exit 3\n']);
  });

  it('ends a shell nobody types into for the idle timeout, and keystrokes restart the timer', async () => {
    const s = setup(2_000);
    const shell = await s.service.open(ACTOR, '1', 5, request, stillAllowed);
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      shell.write(Buffer.from('x'));
    }
    assert.equal(s.rows[0]?.ended_at, null, 'still open after typing for longer than the timeout');
    const ending = await shell.ended;
    assert.equal(ending.reason, 'idle');
    assert.equal(s.rows[0]?.end_reason, 'idle');
  });

  it('says closed when the client goes away, and error when the session fails', async () => {
    const s = setup(60_000);
    const first = await s.service.open(ACTOR, '1', 5, request, stillAllowed);
    first.close();
    assert.equal((await first.ended).reason, 'closed');
    const second = await s.service.open(ACTOR, '1', 5, request, stillAllowed);
    s.endExec({ exitCode: null, error: 'connection lost' });
    assert.deepEqual(await second.ended, { exitCode: null, reason: 'error', message: 'connection lost' });
  });

  it('refuses a bad command or size before starting anything', async () => {
    const s = setup(60_000);
    await assert.rejects(
      s.service.open(ACTOR, '1', 5, { ...request, command: [''] }, stillAllowed),
      /command must be/,
    );
    await assert.rejects(
      s.service.open(ACTOR, '1', 5, { ...request, size: { cols: 0, rows: 24 } }, stillAllowed),
      /cols and rows must be/,
    );
    assert.equal(s.requests.length, 0);
    assert.equal(s.rows.length, 0);
  });

  it('records the session and the audit entry before the command runs, and ends it when exec fails', async () => {
    const s = setup(60_000, { failExec: true });
    await assert.rejects(s.service.open(ACTOR, '1', 5, request, stillAllowed), /container not running/);
    assert.equal(s.rows.length, 1);
    assert.equal(s.rows[0]?.end_reason, 'error');
    assert.equal(s.audit.length, 1);
    assert.equal(s.closedOperations, 1);
  });

  it('ends a shell whose user may no longer have it', async () => {
    const s = setup(60_000, { recheckMs: 20 });
    let allowed = true;
    const shell = await s.service.open(ACTOR, '1', 5, request, async () => {
      if (!allowed) throw new Error('token revoked');
      return ACTOR;
    });
    allowed = false;
    assert.equal((await shell.ended).reason, 'revoked');
    assert.equal(s.rows[0]?.end_reason, 'revoked');
  });

  it('refuses more than eight open shells per user, and frees the slot when one ends', async () => {
    const s = setup(60_000);
    const shells = [];
    for (let i = 0; i < 8; i++) shells.push(await s.service.open(ACTOR, '1', 5, request, stillAllowed));
    await assert.rejects(s.service.open(ACTOR, '1', 5, request, stillAllowed), /at most 8 shells/);
    shells[0]!.close();
    await shells[0]!.ended;
    const another = await s.service.open(ACTOR, '1', 5, request, stillAllowed);
    for (const shell of [...shells, another]) shell.close();
  });
});
