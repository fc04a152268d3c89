import type { Actor } from '../domain/actor.ts';
import { forbidden, GantryError } from '../domain/errors.ts';
import type { Page, PageRequest } from '../domain/pagination.ts';
import type {
  AuditEventFilter,
  AuditEventRepository,
  AuditEventWithAuthor,
} from '../store/repositories/audit-event-repository.ts';
import type { AuditAction } from './audit-log.ts';
import type { ProjectAccess } from './project-access.ts';
import type { ProjectRoleCheck } from './project-role-check.ts';

/** Filters of the audit events API, as the query string gives them. */
export interface AuditEventQuery {
  action?: AuditAction | undefined;
  /** Any date or date-time `Date` parses, e.g. `2026-01-31` or `2026-01-31T12:00:00Z`. */
  created_after?: string | undefined;
  created_before?: string | undefined;
}

/** An audit event as the API shows it, details parsed. */
export interface AuditEvent {
  id: number;
  projectId: number | null;
  action: string;
  targetType: string;
  targetId: number | null;
  details: Record<string, unknown>;
  author: { id: number; username: string; name: string } | null;
  createdAt: string;
}

/**
 * Reads the audit log: a project's events for its maintainers, every event for admins. Newest first.
 */
export class AuditEventService {
  readonly #events: AuditEventRepository;
  readonly #access: ProjectAccess;
  readonly #roles: ProjectRoleCheck;

  constructor(deps: { events: AuditEventRepository; access: ProjectAccess; roles: ProjectRoleCheck }) {
    this.#events = deps.events;
    this.#access = deps.access;
    this.#roles = deps.roles;
  }

  async listProject(
    actor: Actor,
    ref: string,
    query: AuditEventQuery,
    page: PageRequest,
  ): Promise<Page<AuditEvent>> {
    const project = await this.#access.require(actor, ref, 'read');
    await this.#roles.require(actor, project, 'maintainer', 'reading the audit log');
    return this.#list({ ...filterOf(query), projectId: project.id }, page);
  }

  /** Every event (admins), or one project's with `projectId`. */
  async listInstance(
    actor: Actor,
    query: AuditEventQuery & { project_id?: number | undefined },
    page: PageRequest,
  ): Promise<Page<AuditEvent>> {
    if (!actor.isAdmin) throw forbidden('the instance audit log is for administrators');
    return this.#list({ ...filterOf(query), projectId: query.project_id }, page);
  }

  async #list(filter: AuditEventFilter, page: PageRequest): Promise<Page<AuditEvent>> {
    const [rows, total] = await Promise.all([this.#events.list(filter, page), this.#events.count(filter)]);
    return { items: rows.map(eventOf), total, request: page };
  }
}

function filterOf(query: AuditEventQuery): AuditEventFilter {
  return {
    action: query.action,
    createdAfter: instant(query.created_after, 'created_after'),
    createdBefore: instant(query.created_before, 'created_before'),
  };
}

function instant(value: string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) {
    throw new GantryError(
      'validation_failed',
      `${field} "${value}" is not a date; expected ISO 8601 such as 2026-01-31 or 2026-01-31T12:00:00Z`,
      [{ path: `/${field}`, message: 'an ISO 8601 date or date-time' }],
    );
  }
  return time.toISOString();
}

function eventOf(row: AuditEventWithAuthor): AuditEvent {
  let details: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(row.details);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      details = parsed as Record<string, unknown>;
    }
  } catch {
    // A row written by hand with bad JSON still lists, without details.
  }
  return {
    id: row.id,
    projectId: row.project_id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    details,
    author: row.author,
    createdAt: row.created_at,
  };
}
