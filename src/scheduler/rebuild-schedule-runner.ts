import type { RebuildScheduleRow } from '../store/repositories/rebuild-schedule-repository.ts';
import { DueScheduleRunner, type DueScheduleRunnerDeps } from './due-schedule-runner.ts';

/**
 * Runs one rebuild schedule as its owner and records the outcome on the schedule (the rebuild
 * schedule service). Throws only for what it could not record (it is then logged).
 */
export interface ScheduledRebuilds {
  runSchedule(schedule: RebuildScheduleRow): Promise<void>;
}

/**
 * Starts rebuild schedules when they are due (see `DueScheduleRunner`, as for pipeline schedules):
 * each due schedule is claimed, then its rebuilds run as its owner.
 */
export function createRebuildScheduleRunner(
  deps: Omit<DueScheduleRunnerDeps<RebuildScheduleRow>, 'run'> & { rebuilds: ScheduledRebuilds },
): DueScheduleRunner<RebuildScheduleRow> {
  return new DueScheduleRunner({ ...deps, run: (schedule) => deps.rebuilds.runSchedule(schedule) });
}
