import type { AuditEventRepository } from '../store/repositories/audit-event-repository.ts';

/**
 * What the audit log records: every action that changes what runs where, or who may change it, and
 * changes to the secrets deployments receive (never their values).
 */
export type AuditAction =
  | 'deploy'
  | 'approve'
  | 'reject'
  | 'rollback'
  | 'redeploy'
  | 'promote'
  | 'abort'
  | 'stop'
  | 'lock_release'
  | 'freeze_override'
  | 'protected_environment_change'
  | 'freeze_period_change'
  | 'auto_deploy_rule_change'
  | 'environment_secret_change'
  | 'shell';

export const AUDIT_ACTIONS: readonly AuditAction[] = [
  'deploy',
  'approve',
  'reject',
  'rollback',
  'redeploy',
  'promote',
  'abort',
  'stop',
  'lock_release',
  'freeze_override',
  'protected_environment_change',
  'freeze_period_change',
  'auto_deploy_rule_change',
  'environment_secret_change',
  'shell',
];

/** One audited action. `projectId` null: instance-wide; `userId` null: the system acted. */
export interface AuditEntry {
  projectId: number | null;
  userId: number | null;
  action: AuditAction;
  /** What was acted on, e.g. `deployment`, `protected_environment`, `freeze_period`. */
  targetType: string;
  targetId: number | null;
  /** Facts worth keeping with the event (names, reasons, comments); stored as JSON. */
  details?: Record<string, unknown>;
}

/**
 * The audit log: an append-only record of deployments, approvals, rollbacks, stops, lock releases,
 * freeze overrides and changes to the rules governing them, read through the audit events API.
 */
export class AuditLog {
  readonly #events: AuditEventRepository;

  constructor(events: AuditEventRepository) {
    this.#events = events;
  }

  /** Appends an entry, timestamped now. */
  async record(entry: AuditEntry): Promise<void> {
    await this.#events.insert({
      project_id: entry.projectId,
      user_id: entry.userId,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId,
      details: JSON.stringify(entry.details ?? {}),
    });
  }
}
