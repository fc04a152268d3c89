import type { PlannedJob } from '../pipeline/index.ts';

/**
 * The planned job a `jobs` row runs, stored as JSON in `jobs.definition`: the pipeline compiler's
 * `PlannedJob`, with the pipeline's global variables merged into `variables`.
 */
export type JobDefinition = PlannedJob;

export function parseDefinition(json: string): JobDefinition {
  return JSON.parse(json) as JobDefinition;
}
