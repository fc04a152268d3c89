import { type Diagnostics, reportError } from './diagnostics.ts';
import { childWhere, indexWhere } from './node-readers.ts';
import type { EnvironmentDefinition, NeedDefinition } from './pipeline-definition.ts';
import type { SourcePosition } from './yaml-node.ts';

/** A reference to another job, where it is written. */
export interface JobReference {
  name: string;
  position: SourcePosition;
  where: string;
}

/**
 * What the checks need of one job. It is filled even for a job with errors of its own, with
 * `null`/`'invalid'` where a keyword could not be read, so references are checked in every job.
 */
export interface JobGraphNode {
  name: string;
  /** null when `stage:` was invalid. */
  stage: string | null;
  needs: NeedDefinition[] | null | 'invalid';
  environment: EnvironmentDefinition | null | 'invalid';
  dependencies: JobReference[];
  onStop: JobReference | null;
}

/**
 * Checks what needs every job: `needs` name defined jobs in the same or an earlier stage (GitLab
 * allows the same stage) without cycles; `dependencies` name jobs in earlier stages (and in `needs`
 * when the job has `needs`); `environment:on_stop` names a job that stops the same environment.
 */
export function checkJobGraph(
  diagnostics: Diagnostics,
  jobs: readonly JobGraphNode[],
  stages: readonly string[],
): void {
  const byName = new Map(jobs.map((job) => [job.name, job]));
  // A stage that could not be read compares as neither earlier nor later.
  const later = (a: JobGraphNode, b: JobGraphNode) =>
    a.stage !== null && b.stage !== null && stages.indexOf(a.stage) > stages.indexOf(b.stage);
  const notEarlier = (a: JobGraphNode, b: JobGraphNode) =>
    a.stage !== null && b.stage !== null && stages.indexOf(a.stage) >= stages.indexOf(b.stage);
  const edges = new Map<string, Array<{ target: string; index: number; position: SourcePosition }>>();

  for (const job of jobs) {
    const where = `job "${job.name}"`;
    const needs = job.needs === 'invalid' ? null : job.needs;
    const valid: Array<{ target: string; index: number; position: SourcePosition }> = [];
    needs?.forEach((need, index) => {
      const needWhere = indexWhere(childWhere(where, 'needs'), index);
      const target = byName.get(need.job);
      if (!target) {
        reportError(diagnostics, need.position, `${needWhere}: job "${need.job}" is not defined`);
      } else if (later(target, job)) {
        reportError(
          diagnostics,
          need.position,
          `${needWhere}: job "${need.job}" is in a later stage (${target.stage}); a job can only need jobs of its own or earlier stages`,
        );
      } else {
        valid.push({ target: need.job, index, position: need.position });
      }
    });
    edges.set(job.name, valid);

    for (const dependency of job.dependencies) {
      const target = byName.get(dependency.name);
      if (!target) {
        reportError(
          diagnostics,
          dependency.position,
          `${dependency.where}: job "${dependency.name}" is not defined`,
        );
      } else if (notEarlier(target, job)) {
        reportError(
          diagnostics,
          dependency.position,
          `${dependency.where}: job "${dependency.name}" is not in an earlier stage (it is in ${target.stage})`,
        );
      } else if (needs && !needs.some((need) => need.job === dependency.name)) {
        reportError(
          diagnostics,
          dependency.position,
          `${dependency.where}: job "${dependency.name}" must also be listed in needs`,
        );
      }
    }

    const onStop = job.onStop;
    if (onStop && job.environment !== null && job.environment !== 'invalid') {
      const stopJob = byName.get(onStop.name);
      if (!stopJob) {
        reportError(diagnostics, onStop.position, `${onStop.where}: job "${onStop.name}" is not defined`);
      } else if (stopJob.environment === 'invalid') {
        // reported where it is written
      } else if (!stopJob.environment) {
        reportError(
          diagnostics,
          onStop.position,
          `${onStop.where}: job "${onStop.name}" has no environment:`,
        );
      } else if (stopJob.environment.name !== job.environment.name) {
        reportError(
          diagnostics,
          onStop.position,
          `${onStop.where}: job "${onStop.name}" stops environment "${stopJob.environment.name}", not "${job.environment.name}"`,
        );
      } else if (stopJob.environment.action !== 'stop') {
        reportError(
          diagnostics,
          onStop.position,
          `${onStop.where}: job "${onStop.name}" needs environment:action: stop`,
        );
      }
    }
  }
  reportCycles(diagnostics, jobs, edges);
}

/** Reports each `needs` cycle once, at the entry that closes it. */
function reportCycles(
  diagnostics: Diagnostics,
  jobs: readonly JobGraphNode[],
  edges: ReadonlyMap<string, Array<{ target: string; index: number; position: SourcePosition }>>,
): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    path.push(name);
    for (const edge of edges.get(name) ?? []) {
      const targetState = state.get(edge.target);
      if (targetState === 'visiting') {
        const cycle = [...path.slice(path.indexOf(edge.target)), edge.target].join(' → ');
        reportError(diagnostics, edge.position, `job "${name}" needs[${edge.index}]: needs cycle ${cycle}`);
      } else if (targetState === undefined) {
        visit(edge.target);
      }
    }
    path.pop();
    state.set(name, 'done');
  };
  for (const job of jobs) if (!state.has(job.name)) visit(job.name);
}
