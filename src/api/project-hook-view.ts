import { Type } from 'typebox';
import type { HookDeliveryRow } from '../store/repositories/hook-delivery-repository.ts';
import type { ProjectHookRow } from '../store/repositories/project-hook-repository.ts';

const Timestamp = Type.String({ format: 'date-time' });

/** A project hook as GitLab's hooks API shows it; the token is write-only and never appears. */
export const ProjectHookView = Type.Object({
  id: Type.Integer(),
  project_id: Type.Integer(),
  url: Type.String(),
  pipeline_events: Type.Boolean(),
  job_events: Type.Boolean(),
  deployment_events: Type.Boolean(),
  releases_events: Type.Boolean(),
  created_at: Timestamp,
});

export const projectHookView = (hook: ProjectHookRow) => ({
  id: hook.id,
  project_id: hook.project_id,
  url: hook.url,
  pipeline_events: hook.pipeline_events === 1,
  job_events: hook.job_events === 1,
  deployment_events: hook.deployment_events === 1,
  releases_events: hook.release_events === 1,
  created_at: hook.created_at,
});

/** One entry of a delivery log: the event sent, its body, and how the attempts went. */
export const HookDeliveryView = Type.Object({
  id: Type.Integer(),
  event: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  response_status: Type.Union([Type.Integer(), Type.Null()]),
  response_body: Type.Union([Type.String(), Type.Null()], {
    description: 'the first 2 KB of the last answer',
  }),
  error: Type.Union([Type.String(), Type.Null()]),
  next_attempt_at: Type.Union([Timestamp, Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
  payload: Type.Unknown({ description: 'the JSON body sent' }),
});

export const hookDeliveryView = (delivery: HookDeliveryRow) => ({
  id: delivery.id,
  event: delivery.event,
  status: delivery.status as 'pending' | 'delivered' | 'failed',
  attempts: delivery.attempts,
  response_status: delivery.response_status,
  response_body: delivery.response_body,
  error: delivery.error,
  next_attempt_at: delivery.next_attempt_at,
  created_at: delivery.created_at,
  updated_at: delivery.updated_at,
  payload: JSON.parse(delivery.payload) as unknown,
});
