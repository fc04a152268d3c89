import { GantryError } from '../domain/errors.ts';
import { parseFullRef } from '../domain/full-ref.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { PipelineScheduleRow } from '../store/repositories/pipeline-schedule-repository.ts';
import { DueScheduleRunner, type DueScheduleRunnerDeps } from './due-schedule-runner.ts';
import type { SchedulePipelineCreator } from './schedule-pipeline-creator.ts';
import { decryptScheduleVariables } from './schedule-variables.ts';

/**
 * Runs pipeline schedules when they are due (see `DueScheduleRunner`): each due schedule creates a
 * pipeline for its ref, as its owner, with its variables decrypted. A pipeline that fails to be
 * created is reported with the schedule's id.
 */
export function createPipelineScheduleRunner(
  deps: Omit<DueScheduleRunnerDeps<PipelineScheduleRow>, 'run'> & {
    pipelines: SchedulePipelineCreator;
    secrets: SecretBox;
  },
): DueScheduleRunner<PipelineScheduleRow> {
  return new DueScheduleRunner({
    ...deps,
    run: async (schedule) => {
      const ref = parseFullRef(schedule.ref);
      if (!ref) throw new GantryError('internal', `schedule ${schedule.id} has no branch or tag ref`);
      await deps.pipelines.createPipeline({
        projectId: schedule.project_id,
        ref: ref.name,
        refType: ref.refType,
        source: 'schedule',
        userId: schedule.owner_id,
        scheduleId: schedule.id,
        variables: decryptScheduleVariables(
          deps.secrets,
          schedule.project_id,
          schedule.id,
          schedule.variables_encrypted,
        ),
      });
    },
  });
}
