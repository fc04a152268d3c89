import type { VariableType } from '../domain/ci-variable.ts';
import { GantryError } from '../domain/errors.ts';
import type { SecretBox } from '../secrets/secret-box.ts';

/** One variable of a pipeline schedule, passed to each pipeline it creates. */
export interface ScheduleVariable {
  key: string;
  value: string;
  variable_type: VariableType;
}

const context = (projectId: number, scheduleId: number) =>
  `project:${projectId}:pipeline_schedule:${scheduleId}:variables`;

/** Encrypts a schedule's variables as one JSON document bound to the project and schedule (null when there are none). */
export function encryptScheduleVariables(
  secrets: SecretBox,
  projectId: number,
  scheduleId: number,
  variables: readonly ScheduleVariable[],
): string | null {
  if (variables.length === 0) return null;
  return secrets.encrypt(JSON.stringify(variables), context(projectId, scheduleId));
}

/** Decrypts what `encryptScheduleVariables` stored. */
export function decryptScheduleVariables(
  secrets: SecretBox,
  projectId: number,
  scheduleId: number,
  stored: string | null,
): ScheduleVariable[] {
  if (stored === null) return [];
  const parsed: unknown = JSON.parse(secrets.decrypt(stored, context(projectId, scheduleId)));
  if (!Array.isArray(parsed)) throw new GantryError('internal', 'stored schedule variables are not a list');
  return parsed.map((item: { key: string; value: string; variable_type: VariableType }) => ({
    key: item.key,
    value: item.value,
    variable_type: item.variable_type,
  }));
}
