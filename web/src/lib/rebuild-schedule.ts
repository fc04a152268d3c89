import { parseWordList } from './word-list.ts';

/** What the "add a rebuild schedule" form holds, as typed. */
export interface RebuildScheduleForm {
  description: string;
  cron: string;
  cronTimezone: string;
  /** Environment names, comma- or space-separated; empty for every environment. */
  environments: string;
  active: boolean;
}

export const EMPTY_REBUILD_SCHEDULE_FORM: RebuildScheduleForm = {
  description: '',
  cron: '0 4 * * 1',
  cronTimezone: 'UTC',
  environments: '',
  active: true,
};

/**
 * The `POST /projects/:id/rebuild_schedules` body for the form: no environment named means every
 * environment (`null`), a blank time zone is left to the API's default.
 */
export function rebuildScheduleBody(form: RebuildScheduleForm): Record<string, unknown> {
  const environments = parseWordList(form.environments);
  return {
    description: form.description.trim(),
    cron: form.cron.trim(),
    ...(form.cronTimezone.trim() !== '' && { cron_timezone: form.cronTimezone.trim() }),
    environments: environments.length === 0 ? null : environments,
    active: form.active,
  };
}

/** Which environments a rebuild schedule rebuilds, in words. */
export function scheduledEnvironments(environments: readonly string[] | null): string {
  return environments === null || environments.length === 0 ? 'every environment' : environments.join(', ');
}

/**
 * What a rebuild started, in words, before the links to its pipelines: `Rebuild started: pipeline`
 * (#12), `Rebuild started: 3 pipelines` (#12 #13 #14).
 */
export function rebuildOutcome(pipelineCount: number): string {
  if (pipelineCount === 0) return 'Nothing to rebuild: no environment runs a deployment.';
  return pipelineCount === 1 ? 'Rebuild started: pipeline' : `Rebuild started: ${pipelineCount} pipelines`;
}
