import type { Actor } from '../domain/actor.ts';
import { GantryError, notFound } from '../domain/errors.ts';
import type { Page, PageRequest } from '../domain/pagination.ts';
import { parseCronSchedule } from '../scheduler/cron-schedule.ts';
import type { ScheduledRebuilds } from '../scheduler/rebuild-schedule-runner.ts';
import type { ProjectRow } from '../store/repositories/project-repository.ts';
import type {
  RebuildSchedulePipeline,
  RebuildScheduleRepository,
  RebuildScheduleRow,
  RebuildScheduleUpdate,
  RebuildScheduleWithOwner,
} from '../store/repositories/rebuild-schedule-repository.ts';
import type { RebuildSourceRow } from '../store/repositories/rebuild-source-repository.ts';
import type { UserRow } from '../store/repositories/user-repository.ts';
import type { ProjectAccess } from './project-access.ts';
import type { ProjectRoleCheck } from './project-role-check.ts';
import type { RebuildOutcome, RebuildService } from './rebuild-service.ts';

/** A rebuild schedule to create. */
export interface RebuildScheduleInput {
  description: string;
  /** Environment names; null or absent: every environment that runs a deployment when it fires. */
  environments?: string[] | null;
  cron: string;
  cron_timezone?: string;
  active?: boolean;
}

export type RebuildScheduleChanges = Partial<RebuildScheduleInput>;

/** A schedule with the pipelines its last run created. */
export interface RebuildScheduleDetails {
  schedule: RebuildScheduleWithOwner;
  lastPipelines: RebuildSchedulePipeline[];
}

export interface RebuildScheduleServiceDeps {
  schedules: RebuildScheduleRepository;
  access: ProjectAccess;
  roles: ProjectRoleCheck;
  rebuilds: Pick<RebuildService, 'rebuildProject'>;
  sources: { listEnvironments(projectId: number): Promise<RebuildSourceRow[]> };
  users: { findById(id: number): Promise<UserRow | undefined> };
  now: () => Date;
  /** Called after any change to a schedule's timing (the runner re-arms its timer). */
  onChange: () => void;
}

/**
 * Rebuild schedules (docs/rebuilds.md): a cron expression in a time zone that rebuilds some or all
 * environments, as the schedule's owner — the maintainer who created it. Maintainers manage and
 * play them, reporters read them. Every run, timed or played, is recorded on the schedule: when,
 * success or failed with the reason, and the pipelines it created. A run whose owner may no
 * longer deploy there fails and creates nothing.
 */
export class RebuildScheduleService implements ScheduledRebuilds {
  readonly #deps: RebuildScheduleServiceDeps;

  constructor(deps: RebuildScheduleServiceDeps) {
    this.#deps = deps;
  }

  async list(actor: Actor, ref: string, page: PageRequest): Promise<Page<RebuildScheduleDetails>> {
    const project = await this.#deps.access.require(actor, ref, 'read');
    const [rows, total] = await Promise.all([
      this.#deps.schedules.list(project.id, page),
      this.#deps.schedules.count(project.id),
    ]);
    const items = await Promise.all(rows.map((row) => this.#details(row)));
    return { items, total, request: page };
  }

  async get(actor: Actor, ref: string, id: number): Promise<RebuildScheduleDetails> {
    const project = await this.#deps.access.require(actor, ref, 'read');
    return this.#details(await this.#find(project, id));
  }

  async create(actor: Actor, ref: string, input: RebuildScheduleInput): Promise<RebuildScheduleDetails> {
    const project = await this.#maintainerProject(actor, ref);
    const timezone = input.cron_timezone ?? 'UTC';
    const cron = parseCronSchedule(input.cron, timezone);
    const environments = await this.#checkEnvironments(project, input.environments ?? null);
    const row = await this.#deps.schedules.insert({
      project_id: project.id,
      description: input.description,
      environments: environments === null ? null : JSON.stringify(environments),
      cron: input.cron.trim(),
      cron_timezone: timezone,
      active: (input.active ?? true) ? 1 : 0,
      next_run_at: cron.nextAfter(this.#deps.now())?.toISOString() ?? null,
      owner_id: actor.userId,
    });
    this.#deps.onChange();
    return this.#details(await this.#find(project, row.id));
  }

  async update(
    actor: Actor,
    ref: string,
    id: number,
    changes: RebuildScheduleChanges,
  ): Promise<RebuildScheduleDetails> {
    const project = await this.#maintainerProject(actor, ref);
    const schedule = await this.#find(project, id);
    const values: RebuildScheduleUpdate = {};
    if (changes.description !== undefined) values.description = changes.description;
    if (changes.environments !== undefined) {
      const environments = await this.#checkEnvironments(project, changes.environments);
      values.environments = environments === null ? null : JSON.stringify(environments);
    }
    if (changes.active !== undefined) values.active = changes.active ? 1 : 0;
    if (changes.cron !== undefined || changes.cron_timezone !== undefined || changes.active !== undefined) {
      const expression = changes.cron ?? schedule.cron;
      const timezone = changes.cron_timezone ?? schedule.cron_timezone;
      // Re-timed from now: a schedule switched back on does not run for the times it was off.
      values.next_run_at =
        parseCronSchedule(expression, timezone).nextAfter(this.#deps.now())?.toISOString() ?? null;
      values.cron = expression.trim();
      values.cron_timezone = timezone;
    }
    await this.#deps.schedules.update(schedule.id, values);
    this.#deps.onChange();
    return this.#details(await this.#find(project, id));
  }

  async delete(actor: Actor, ref: string, id: number): Promise<void> {
    const project = await this.#maintainerProject(actor, ref);
    await this.#deps.schedules.delete((await this.#find(project, id)).id);
    this.#deps.onChange();
  }

  /**
   * Rebuilds what the schedule names now, as the caller; recorded as the schedule's last run, and
   * the next timed run stays as it was. A refused rebuild is recorded as failed and answered.
   */
  async play(actor: Actor, ref: string, id: number): Promise<RebuildOutcome> {
    const project = await this.#maintainerProject(actor, ref);
    const schedule = await this.#find(project, id);
    return this.#run(schedule, actor, '');
  }

  /** A timed run (the runner): as the schedule's owner, who must still be allowed to deploy there. */
  async runSchedule(schedule: RebuildScheduleRow): Promise<void> {
    const owner = schedule.owner_id === null ? undefined : await this.#deps.users.findById(schedule.owner_id);
    if (owner?.state !== 'active') {
      await this.#record(schedule.id, {
        failure: owner
          ? `its owner ${owner.username} is ${owner.state}`
          : 'its owner was deleted; delete the schedule and create it again',
      });
      return;
    }
    const actor: Actor = {
      userId: owner.id,
      username: owner.username,
      isAdmin: owner.is_admin === 1,
      scopes: ['api'],
    };
    try {
      await this.#run(schedule, actor, `as ${owner.username}: `);
    } catch (error) {
      // Recorded on the schedule already; only what is not the user's to fix goes to the log.
      if (!(error instanceof GantryError)) throw error;
    }
  }

  async #run(schedule: RebuildScheduleRow, actor: Actor, context: string): Promise<RebuildOutcome> {
    let outcome: RebuildOutcome;
    try {
      outcome = await this.#deps.rebuilds.rebuildProject(
        actor,
        String(schedule.project_id),
        parseEnvironments(schedule.environments),
      );
    } catch (error) {
      const reason = error instanceof GantryError ? error.message : 'internal error (see the server log)';
      await this.#record(schedule.id, { failure: `${context}${reason}` });
      throw error;
    }
    await this.#record(schedule.id, { pipelineIds: outcome.pipelines.map(({ pipeline }) => pipeline.id) });
    return outcome;
  }

  async #record(id: number, run: { failure: string } | { pipelineIds: number[] }): Promise<void> {
    const failed = 'failure' in run;
    await this.#deps.schedules.update(id, {
      last_run_at: this.#deps.now().toISOString(),
      last_run_status: failed ? 'failed' : 'success',
      last_run_error: failed ? run.failure : null,
      last_pipeline_ids: JSON.stringify(failed ? [] : run.pipelineIds),
    });
  }

  async #maintainerProject(actor: Actor, ref: string): Promise<ProjectRow> {
    const project = await this.#deps.access.require(actor, ref, 'read');
    await this.#deps.roles.require(actor, project, 'maintainer', 'managing rebuild schedules');
    return project;
  }

  async #find(project: ProjectRow, id: number): Promise<RebuildScheduleWithOwner> {
    const schedule = await this.#deps.schedules.find(project.id, id);
    if (!schedule) throw notFound('rebuild schedule');
    return schedule;
  }

  async #details(schedule: RebuildScheduleWithOwner): Promise<RebuildScheduleDetails> {
    const ids =
      schedule.last_pipeline_ids === null ? [] : (JSON.parse(schedule.last_pipeline_ids) as number[]);
    return { schedule, lastPipelines: await this.#deps.schedules.pipelines(ids) };
  }

  /** The names as given when each is an environment of the project (once); null stays null (all). */
  async #checkEnvironments(project: ProjectRow, names: string[] | null): Promise<string[] | null> {
    if (names === null) return null;
    const known = new Set((await this.#deps.sources.listEnvironments(project.id)).map((row) => row.name));
    for (const [index, name] of names.entries()) {
      const problem = !known.has(name)
        ? `${project.path} has no environment named "${name}"`
        : names.indexOf(name) !== index
          ? `${name} is listed twice`
          : undefined;
      if (problem) {
        throw new GantryError('validation_failed', problem, [
          { path: `/environments/${index}`, message: problem },
        ]);
      }
    }
    return names;
  }
}

/** The environments a schedule stores; null for all. */
export function parseEnvironments(stored: string | null): string[] | null {
  return stored === null ? null : (JSON.parse(stored) as string[]);
}
