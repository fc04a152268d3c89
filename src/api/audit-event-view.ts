import { Type } from 'typebox';
import type { AuditEvent } from '../services/audit-event-service.ts';

const Timestamp = Type.String({ format: 'date-time' });

/** One audit log entry; `author` is null for actions of the system (or of a deleted user). */
export const AuditEventView = Type.Object({
  id: Type.Integer(),
  project_id: Type.Union([Type.Integer(), Type.Null()]),
  action: Type.String(),
  target_type: Type.String(),
  target_id: Type.Union([Type.Integer(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  author: Type.Union([
    Type.Object({ id: Type.Integer(), username: Type.String(), name: Type.String() }),
    Type.Null(),
  ]),
  created_at: Timestamp,
});

export const auditEventView = (event: AuditEvent) => ({
  id: event.id,
  project_id: event.projectId,
  action: event.action,
  target_type: event.targetType,
  target_id: event.targetId,
  details: event.details,
  author: event.author,
  created_at: event.createdAt,
});
