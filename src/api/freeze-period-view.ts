import { Type } from 'typebox';
import type { FreezePeriodState } from '../services/freeze-period-service.ts';

const Timestamp = Type.String({ format: 'date-time' });

/**
 * A freeze period as GitLab's API shows it, plus `environment_scope`, and `active` / `active_until`:
 * whether it is in force now (whatever its scope) and when that ends.
 */
export const FreezePeriodView = Type.Object({
  id: Type.Integer(),
  freeze_start: Type.String(),
  freeze_end: Type.String(),
  cron_timezone: Type.String(),
  environment_scope: Type.String(),
  active: Type.Boolean(),
  active_until: Type.Union([Timestamp, Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const freezePeriodView = ({ row, active, activeUntil }: FreezePeriodState) => ({
  id: row.id,
  freeze_start: row.freeze_start,
  freeze_end: row.freeze_end,
  cron_timezone: row.cron_timezone,
  environment_scope: row.environment_scope,
  active,
  active_until: activeUntil,
  created_at: row.created_at,
  updated_at: row.updated_at,
});
