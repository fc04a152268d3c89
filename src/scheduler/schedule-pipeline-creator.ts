import type { VariableType } from '../domain/ci-variable.ts';
import type { RefType } from '../domain/full-ref.ts';

/** A pipeline a schedule asks for: when its time comes, or when someone plays it. */
export interface SchedulePipelineRequest {
  projectId: number;
  /** The short branch or tag name (`main`, `v1.0`); `refType` says which. */
  ref: string;
  refType: RefType;
  source: 'schedule';
  /** Who the pipeline runs as: the schedule's owner (timed runs) or the user who played it; null when the owner was deleted. */
  userId: number | null;
  scheduleId: number;
  /** The schedule's variables, decrypted; pipeline variables in GitLab's precedence. */
  variables: Array<{ key: string; value: string; variable_type: VariableType }>;
}

/**
 * Creates pipelines for pipeline schedules; the pipeline service implements it. Errors it throws
 * (a GantryError such as "ref not found") reach the user who played the schedule; on timed runs
 * they are logged and the schedule moves on to its next run.
 */
export interface SchedulePipelineCreator {
  createPipeline(input: SchedulePipelineRequest): Promise<unknown>;
}
