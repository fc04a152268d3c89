import type { Actor } from '../domain/actor.ts';
import { ALL_ENVIRONMENTS, isValidEnvironmentScope } from '../domain/environment-scope.ts';
import { forbidden, GantryError, notFound } from '../domain/errors.ts';
import { activeFreeze, validateFreezePeriod } from '../domain/freeze-window.ts';
import type { Page, PageRequest } from '../domain/pagination.ts';
import type {
  FreezePeriodRepository,
  FreezePeriodRow,
} from '../store/repositories/freeze-period-repository.ts';
import type { AuditLog } from './audit-log.ts';
import { freezePeriodOf } from './deployment-policy.ts';
import type { ProjectAccess } from './project-access.ts';
import type { ProjectRoleCheck } from './project-role-check.ts';

/** A freeze period to create, with GitLab's field names (plus Gantry's `environment_scope`). */
export interface FreezePeriodInput {
  freeze_start: string;
  freeze_end: string;
  cron_timezone?: string | undefined;
  environment_scope?: string | undefined;
}

export type FreezePeriodChanges = Partial<FreezePeriodInput>;

/** A freeze period with whether it is in force now (whatever its scope) and until when. */
export interface FreezePeriodState {
  row: FreezePeriodRow;
  active: boolean;
  /** When the current freeze ends; null when not active or when its end never occurs again. */
  activeUntil: string | null;
}

const API_FIELD: Record<string, string> = {
  '/freezeStart': '/freeze_start',
  '/freezeEnd': '/freeze_end',
  '/cronTimezone': '/cron_timezone',
};

/**
 * Deploy freeze periods (GitLab's API): cron start and end in a time zone, per project
 * (maintainers) or instance-wide (administrators), scoped to environments. Every change is
 * audited. DeploymentPolicy enforces them when a deployment is about to run.
 */
export class FreezePeriodService {
  readonly #periods: FreezePeriodRepository;
  readonly #access: ProjectAccess;
  readonly #roles: ProjectRoleCheck;
  readonly #audit: AuditLog;
  readonly #now: () => Date;

  constructor(deps: {
    periods: FreezePeriodRepository;
    access: ProjectAccess;
    roles: ProjectRoleCheck;
    audit: AuditLog;
    now?: () => Date;
  }) {
    this.#periods = deps.periods;
    this.#access = deps.access;
    this.#roles = deps.roles;
    this.#audit = deps.audit;
    this.#now = deps.now ?? (() => new Date());
  }

  async listProject(actor: Actor, ref: string, page: PageRequest): Promise<Page<FreezePeriodState>> {
    return this.#list(await this.#projectId(actor, ref), page);
  }

  async getProject(actor: Actor, ref: string, id: number): Promise<FreezePeriodState> {
    return this.#state(await this.#find(await this.#projectId(actor, ref), id));
  }

  async createProject(actor: Actor, ref: string, input: FreezePeriodInput): Promise<FreezePeriodState> {
    return this.#create(actor, await this.#projectId(actor, ref), input);
  }

  async updateProject(
    actor: Actor,
    ref: string,
    id: number,
    changes: FreezePeriodChanges,
  ): Promise<FreezePeriodState> {
    return this.#update(actor, await this.#projectId(actor, ref), id, changes);
  }

  async deleteProject(actor: Actor, ref: string, id: number): Promise<void> {
    await this.#delete(actor, await this.#projectId(actor, ref), id);
  }

  async listInstance(actor: Actor, page: PageRequest): Promise<Page<FreezePeriodState>> {
    requireAdmin(actor);
    return this.#list(null, page);
  }

  async getInstance(actor: Actor, id: number): Promise<FreezePeriodState> {
    requireAdmin(actor);
    return this.#state(await this.#find(null, id));
  }

  async createInstance(actor: Actor, input: FreezePeriodInput): Promise<FreezePeriodState> {
    requireAdmin(actor);
    return this.#create(actor, null, input);
  }

  async updateInstance(actor: Actor, id: number, changes: FreezePeriodChanges): Promise<FreezePeriodState> {
    requireAdmin(actor);
    return this.#update(actor, null, id, changes);
  }

  async deleteInstance(actor: Actor, id: number): Promise<void> {
    requireAdmin(actor);
    await this.#delete(actor, null, id);
  }

  async #projectId(actor: Actor, ref: string): Promise<number> {
    const project = await this.#access.require(actor, ref, 'read');
    await this.#roles.require(actor, project, 'maintainer', 'managing freeze periods');
    return project.id;
  }

  async #list(projectId: number | null, page: PageRequest): Promise<Page<FreezePeriodState>> {
    const [rows, total] = await Promise.all([
      this.#periods.list(projectId, page),
      this.#periods.count(projectId),
    ]);
    return { items: rows.map((row) => this.#state(row)), total, request: page };
  }

  async #find(projectId: number | null, id: number): Promise<FreezePeriodRow> {
    const row = await this.#periods.find(projectId, id);
    if (!row) throw notFound(`freeze period ${id}`);
    return row;
  }

  async #create(
    actor: Actor,
    projectId: number | null,
    input: FreezePeriodInput,
  ): Promise<FreezePeriodState> {
    const values = checked({
      freeze_start: input.freeze_start,
      freeze_end: input.freeze_end,
      cron_timezone: input.cron_timezone ?? 'UTC',
      environment_scope: input.environment_scope ?? ALL_ENVIRONMENTS,
    });
    const row = await this.#periods.insert({ project_id: projectId, ...values });
    await this.#record(actor, row, 'create');
    return this.#state(row);
  }

  async #update(
    actor: Actor,
    projectId: number | null,
    id: number,
    changes: FreezePeriodChanges,
  ): Promise<FreezePeriodState> {
    const row = await this.#find(projectId, id);
    const values = checked({
      freeze_start: changes.freeze_start ?? row.freeze_start,
      freeze_end: changes.freeze_end ?? row.freeze_end,
      cron_timezone: changes.cron_timezone ?? row.cron_timezone,
      environment_scope: changes.environment_scope ?? row.environment_scope,
    });
    const updated = await this.#periods.update(row.id, values);
    if (!updated) throw notFound(`freeze period ${id}`);
    await this.#record(actor, updated, 'update');
    return this.#state(updated);
  }

  async #delete(actor: Actor, projectId: number | null, id: number): Promise<void> {
    const row = await this.#find(projectId, id);
    if (!(await this.#periods.delete(row.id))) throw notFound(`freeze period ${id}`);
    await this.#record(actor, row, 'delete');
  }

  #state(row: FreezePeriodRow): FreezePeriodState {
    // The flag ignores the scope: it says whether this period is in force at all right now.
    const active = activeFreeze(
      [{ ...freezePeriodOf(row), environmentScope: ALL_ENVIRONMENTS }],
      '*',
      this.#now(),
    );
    return {
      row,
      active: active !== null,
      activeUntil: active?.endsAt?.toISOString() ?? null,
    };
  }

  async #record(actor: Actor, row: FreezePeriodRow, operation: 'create' | 'update' | 'delete') {
    await this.#audit.record({
      projectId: row.project_id,
      userId: actor.userId,
      action: 'freeze_period_change',
      targetType: 'freeze_period',
      targetId: row.id,
      details: {
        operation,
        freeze_start: row.freeze_start,
        freeze_end: row.freeze_end,
        cron_timezone: row.cron_timezone,
        environment_scope: row.environment_scope,
      },
    });
  }
}

function requireAdmin(actor: Actor): void {
  if (!actor.isAdmin) throw forbidden('instance-wide freeze periods are for administrators');
}

/** Validates a whole period, naming the API's fields in errors; returns it with trimmed crons. */
function checked(values: {
  freeze_start: string;
  freeze_end: string;
  cron_timezone: string;
  environment_scope: string;
}) {
  const period = {
    ...values,
    freeze_start: values.freeze_start.trim(),
    freeze_end: values.freeze_end.trim(),
  };
  try {
    validateFreezePeriod({
      freezeStart: period.freeze_start,
      freezeEnd: period.freeze_end,
      cronTimezone: period.cron_timezone,
    });
  } catch (error) {
    if (!(error instanceof GantryError)) throw error;
    const details = error.details.map((d) => ({ path: API_FIELD[d.path] ?? d.path, message: d.message }));
    const fields = details.map((d) => d.path.slice(1)).join(', ');
    throw new GantryError(
      'validation_failed',
      `invalid freeze period (${fields}): ${details[0]?.message ?? error.message}`,
      details,
    );
  }
  if (!isValidEnvironmentScope(period.environment_scope)) {
    throw new GantryError(
      'validation_failed',
      `environment_scope "${period.environment_scope}" is not an environment scope: use *, an environment name or a pattern such as review/*`,
      [{ path: '/environment_scope', message: 'letters, digits, spaces, - _ / $ { } . and *' }],
    );
  }
  return period;
}
