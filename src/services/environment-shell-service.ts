import type { Actor } from '../domain/actor.ts';
import { ConcurrencyLimit } from '../domain/concurrency-limit.ts';
import { GantryError } from '../domain/errors.ts';
import type { Page, PageRequest } from '../domain/pagination.ts';
import type {
  ShellSessionRepository,
  ShellSessionRow,
} from '../store/repositories/shell-session-repository.ts';
import type { EnvironmentOperations, ExecSession, TerminalSize } from '../targets/environment-operations.ts';
import type { AuditLog } from './audit-log.ts';
import { type EnvironmentOperationsAccess, nothingRuns } from './environment-operations-access.ts';
import type { ProjectRoleCheck } from './project-role-check.ts';

/** What a client asks for when it opens a shell (`GET …/shell`, a WebSocket). */
export interface ShellRequest {
  pod?: string | undefined;
  container?: string | undefined;
  /** The argv; `sh` when empty. */
  command: string[];
  size: TerminalSize;
}

/**
 * Why a shell ended: its command exited, nobody typed for too long, it reached the longest a
 * shell may last, its user may no longer open it, the client or server closed it, or it failed.
 */
export type ShellEndReason = 'exited' | 'idle' | 'expired' | 'revoked' | 'closed' | 'error';

export interface ShellEnding {
  exitCode: number | null;
  reason: ShellEndReason;
  message?: string;
}

/** An open shell, recorded in `shell_sessions` from its start to its end. */
export interface ShellConnection {
  sessionId: number;
  pod: string;
  container: string;
  /** Keystrokes; each one restarts the idle timer. */
  write(data: Uint8Array): void;
  resize(size: TerminalSize): void;
  onOutput(listener: (data: Uint8Array) => void): void;
  /** Stops and resumes reading the output from the target (its client fell behind, caught up). */
  pause(): void;
  resume(): void;
  /** Resolves once, with how the shell ended, after the ending is recorded. */
  readonly ended: Promise<ShellEnding>;
  /** Ends the shell (the client went away). */
  close(): void;
}

/** A shell session as `GET …/shell_sessions` lists it. */
export interface ShellSessionView {
  id: number;
  user: { id: number | null; username: string; name: string | null };
  pod: string;
  container: string;
  command: string[];
  started_at: string;
  ended_at: string | null;
  duration_seconds: number | null;
  exit_code: number | null;
  end_reason: string | null;
}

const MAX_ARGS = 64;
/** The longest a shell lasts, typed into or not. */
const MAX_SESSION_MS = 8 * 3600 * 1000;
/** How often an open shell checks that its user may still have it. */
const RECHECK_MS = 60_000;
/** Shells one user may have open at once. */
const MAX_SHELLS_PER_USER = 8;
const MAX_ARG_LENGTH = 4096;
const MAX_CELLS = 1000;

/**
 * Shells into an environment's containers: authorized by EnvironmentOperationsAccess, recorded
 * (who, when, where, which command, how it ended) in `shell_sessions` and the audit log, ended
 * after `idleTimeoutMs` without a keystroke. Maintainers list an environment's sessions.
 */
export class EnvironmentShellService {
  readonly #deps: EnvironmentShellServiceDeps;
  readonly #open = new Set<ShellConnection>();
  readonly #perUser = new ConcurrencyLimit(MAX_SHELLS_PER_USER, 'shells');

  constructor(deps: EnvironmentShellServiceDeps) {
    this.#deps = deps;
  }

  /**
   * Checks that the actor may open a shell in the environment and that something runs there.
   * @throws as {@link open} does before it starts anything.
   */
  async authorize(actor: Actor, ref: string, environmentId: number): Promise<void> {
    const authorized = await this.#deps.access.authorize(actor, ref, environmentId, 'shell');
    if (!authorized.current) throw nothingRuns(authorized.environment);
  }

  /**
   * Opens a shell and records it.
   * @throws GantryError('validation_failed') for a bad command or size; the errors of
   *   EnvironmentOperationsAccess and of the target's exec (not_found, unavailable).
   */
  async open(
    actor: Actor,
    ref: string,
    environmentId: number,
    request: ShellRequest,
    reauthenticate: () => Promise<Actor>,
  ): Promise<ShellConnection> {
    const command = request.command.length === 0 ? ['sh'] : request.command;
    checkCommand(command);
    checkSize(request.size);
    const authorized = await this.#deps.access.authorize(actor, ref, environmentId, 'shell');
    const release = this.#perUser.acquire(String(actor.userId));
    const now = this.#deps.now ?? (() => new Date());
    let operations: EnvironmentOperations | undefined;
    let row: ShellSessionRow | undefined;
    let exec: ExecSession;
    const stop = new AbortController();
    try {
      operations = await this.#deps.access.open(authorized);
      // Recorded before anything runs in the container: no shell, however short, goes unrecorded.
      row = await this.#deps.sessions.insert({
        project_id: authorized.project.id,
        environment_id: authorized.environment.id,
        user_id: actor.userId,
        username: actor.username,
        deployment_id: authorized.current?.deployment.id ?? null,
        pod: request.pod ?? '',
        container: request.container ?? '',
        command: JSON.stringify(command),
        started_at: now().toISOString(),
      });
      await this.#deps.audit.record({
        projectId: authorized.project.id,
        userId: actor.userId,
        action: 'shell',
        targetType: 'environment',
        targetId: authorized.environment.id,
        details: {
          environment: authorized.environment.name,
          session_id: row.id,
          pod: request.pod ?? null,
          container: request.container ?? null,
          command,
        },
      });
      exec = await operations.exec({
        pod: request.pod,
        container: request.container,
        command,
        size: request.size,
        signal: stop.signal,
      });
    } catch (error) {
      release();
      if (row) {
        await this.#deps.sessions
          .end(row.id, { ended_at: now().toISOString(), exit_code: null, end_reason: 'error' })
          .catch(this.#deps.onError);
      }
      await operations?.close().catch(this.#deps.onError);
      throw error;
    }
    const session = row;
    const opened = operations;
    await this.#deps.sessions.place(session.id, exec.pod, exec.container).catch(this.#deps.onError);

    let reason: ShellEndReason | undefined;
    let idle: NodeJS.Timeout | undefined;
    const finish = (why: ShellEndReason) => {
      reason ??= why;
      clearTimeout(idle);
      clearTimeout(lifetime);
      clearInterval(recheck);
      exec.close();
      stop.abort();
    };
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => finish('idle'), this.#deps.idleTimeoutMs);
    };
    armIdle();
    const lifetime = setTimeout(() => finish('expired'), this.#deps.maxSessionMs ?? MAX_SESSION_MS);
    // Removed from the project, its token revoked, shells disabled meanwhile: the shell ends.
    const recheck = setInterval(() => {
      reauthenticate()
        .then((current) => this.#deps.access.check(current, ref, environmentId, 'shell'))
        .catch(() => finish('revoked'));
    }, this.#deps.recheckMs ?? RECHECK_MS);
    const ended = exec.exited.then(async (exit) => {
      finish(exit.error ? 'error' : 'exited');
      release();
      const ending: ShellEnding = {
        exitCode: exit.exitCode,
        reason: reason ?? 'exited',
        ...(exit.error !== undefined && { message: exit.error }),
      };
      await this.#deps.sessions
        .end(session.id, {
          ended_at: now().toISOString(),
          exit_code: ending.exitCode,
          end_reason: ending.reason,
        })
        .catch(this.#deps.onError);
      await opened.close().catch(this.#deps.onError);
      this.#open.delete(connection);
      return ending;
    });
    const connection: ShellConnection = {
      sessionId: session.id,
      pod: exec.pod,
      container: exec.container,
      write: (data) => {
        armIdle();
        exec.write(data);
      },
      resize: (size) => {
        if (validSize(size)) exec.resize(size);
      },
      onOutput: (listener) => exec.onOutput(listener),
      pause: () => exec.pause(),
      resume: () => exec.resume(),
      ended,
      close: () => finish('closed'),
    };
    this.#open.add(connection);
    return connection;
  }

  /** An environment's shell sessions, newest first; maintainers only. */
  async list(
    actor: Actor,
    ref: string,
    environmentId: number,
    page: PageRequest,
  ): Promise<Page<ShellSessionView>> {
    const { project, environment } = await this.#deps.access.check(actor, ref, environmentId, 'logs');
    await this.#deps.roles.require(actor, project, 'maintainer', 'reading the shell sessions');
    const [rows, total] = await Promise.all([
      this.#deps.sessions.list(environment.id, page),
      this.#deps.sessions.count(environment.id),
    ]);
    return { items: rows.map(sessionView), total, request: page };
  }

  /** Closes every open shell (the server is stopping) and waits until their endings are recorded. */
  async closeAll(): Promise<void> {
    const open = [...this.#open];
    for (const connection of open) connection.close();
    await Promise.all(open.map((connection) => connection.ended));
  }
}

function sessionView(row: ShellSessionRow & { name: string | null }): ShellSessionView {
  const duration =
    row.ended_at === null ? null : (Date.parse(row.ended_at) - Date.parse(row.started_at)) / 1000;
  return {
    id: row.id,
    user: { id: row.user_id, username: row.username, name: row.name },
    pod: row.pod,
    container: row.container,
    command: JSON.parse(row.command) as string[],
    started_at: row.started_at,
    ended_at: row.ended_at,
    duration_seconds: duration,
    exit_code: row.exit_code,
    end_reason: row.end_reason,
  };
}

function checkCommand(command: readonly string[]) {
  const bad =
    command.length > MAX_ARGS ||
    command[0] === '' ||
    command.some((arg) => arg.length > MAX_ARG_LENGTH || arg.includes('\0'));
  if (bad) {
    throw new GantryError(
      'validation_failed',
      `command must be 1 to ${MAX_ARGS} arguments of at most ${MAX_ARG_LENGTH} characters, the first not empty, without NUL`,
      [{ path: '/command', message: 'e.g. command=sh or command=bash&command=-l' }],
    );
  }
}

function validSize(size: TerminalSize): boolean {
  const ok = (n: number) => Number.isInteger(n) && n >= 1 && n <= MAX_CELLS;
  return ok(size.cols) && ok(size.rows);
}

function checkSize(size: TerminalSize) {
  if (!validSize(size)) {
    throw new GantryError(
      'validation_failed',
      `cols and rows must be whole numbers from 1 to ${MAX_CELLS}, not ${size.cols}×${size.rows}`,
      [{ path: '/cols', message: 'e.g. cols=80&rows=24' }],
    );
  }
}

export interface EnvironmentShellServiceDeps {
  access: Pick<EnvironmentOperationsAccess, 'authorize' | 'check' | 'open'>;
  roles: Pick<ProjectRoleCheck, 'require'>;
  sessions: Pick<ShellSessionRepository, 'insert' | 'place' | 'end' | 'list' | 'count'>;
  audit: Pick<AuditLog, 'record'>;
  idleTimeoutMs: number;
  /** Default 8 hours. */
  maxSessionMs?: number;
  /** Default a minute. */
  recheckMs?: number;
  /** Hears of failures to record a session's end or release its target. */
  onError: (error: unknown) => void;
  now?: () => Date;
}
