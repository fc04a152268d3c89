import type { Actor } from '../domain/actor.ts';
import { isValidVariableKey, type VariableType } from '../domain/ci-variable.ts';
import { badRequest, conflict, forbidden, GantryError, notFound } from '../domain/errors.ts';
import { fullRef, parseFullRef } from '../domain/full-ref.ts';
import type { Page, PageRequest } from '../domain/pagination.ts';
import { isValidRefPattern } from '../domain/protected-ref.ts';
import { listRefs } from '../git/bare-repository.ts';
import { parseCronSchedule } from '../scheduler/cron-schedule.ts';
import type { SchedulePipelineCreator } from '../scheduler/schedule-pipeline-creator.ts';
import {
  decryptScheduleVariables,
  encryptScheduleVariables,
  type ScheduleVariable,
} from '../scheduler/schedule-variables.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type {
  PipelineScheduleRepository,
  PipelineScheduleUpdate,
  PipelineScheduleWithOwner,
  ScheduleLastPipeline,
} from '../store/repositories/pipeline-schedule-repository.ts';
import type { ProjectRow } from '../store/repositories/project-repository.ts';
import type { ProjectAccess } from './project-access.ts';
import type { ProjectRoleCheck } from './project-role-check.ts';
import type { RepositoryStorage } from './repository-storage.ts';

/** A schedule to create, with GitLab's field names. */
export interface ScheduleInput {
  description: string;
  /** A short branch or tag name, or a full `refs/heads/…` / `refs/tags/…` ref. */
  ref: string;
  cron: string;
  cron_timezone?: string;
  active?: boolean;
}

export type ScheduleChanges = Partial<ScheduleInput>;

/** A schedule with what a single read shows: its last pipeline and, for its owner and maintainers, its variables. */
export interface ScheduleDetails {
  schedule: PipelineScheduleWithOwner;
  lastPipeline: ScheduleLastPipeline | null;
  /** Undefined when the reader may not see them (neither the owner nor a maintainer). */
  variables: ScheduleVariable[] | undefined;
}

/** Which schedules a list shows, as GitLab's `scope`. */
export type ScheduleScope = 'active' | 'inactive';

const MAX_VARIABLES = 200;

/**
 * Pipeline schedules (GitLab's API): a cron expression in a time zone that creates a pipeline for a
 * branch or tag, as the schedule's owner, with the schedule's variables. Developers create schedules
 * and own them; an owner (while still a developer) or a maintainer changes, deletes and edits the
 * variables of one; reporters read them, without variables. Any developer may play one now.
 * Variables are stored encrypted as one JSON document. Every change wakes the runner.
 */
export class PipelineScheduleService {
  readonly #schedules: PipelineScheduleRepository;
  readonly #access: ProjectAccess;
  readonly #roles: ProjectRoleCheck;
  readonly #secrets: SecretBox;
  readonly #storage: RepositoryStorage;
  readonly #pipelines: SchedulePipelineCreator;
  readonly #now: () => Date;
  readonly #onChange: () => void;

  constructor(deps: {
    schedules: PipelineScheduleRepository;
    access: ProjectAccess;
    roles: ProjectRoleCheck;
    secrets: SecretBox;
    storage: RepositoryStorage;
    pipelines: SchedulePipelineCreator;
    now: () => Date;
    /** Called after any change to a schedule's timing (the runner re-arms its timer). */
    onChange: () => void;
  }) {
    this.#schedules = deps.schedules;
    this.#access = deps.access;
    this.#roles = deps.roles;
    this.#secrets = deps.secrets;
    this.#storage = deps.storage;
    this.#pipelines = deps.pipelines;
    this.#now = deps.now;
    this.#onChange = deps.onChange;
  }

  async list(
    actor: Actor,
    ref: string,
    page: PageRequest,
    scope?: ScheduleScope,
  ): Promise<Page<PipelineScheduleWithOwner>> {
    const project = await this.#access.require(actor, ref, 'read');
    const filter = { active: scope === undefined ? undefined : scope === 'active' };
    const [items, total] = await Promise.all([
      this.#schedules.list(project.id, filter, page),
      this.#schedules.count(project.id, filter),
    ]);
    return { items, total, request: page };
  }

  async get(actor: Actor, ref: string, id: number): Promise<ScheduleDetails> {
    const project = await this.#access.require(actor, ref, 'read');
    return this.#details(actor, project, await this.#find(project, id));
  }

  async create(actor: Actor, ref: string, input: ScheduleInput): Promise<ScheduleDetails> {
    const project = await this.#access.require(actor, ref, 'read');
    await this.#roles.require(actor, project, 'developer', 'creating a pipeline schedule');
    const timezone = input.cron_timezone ?? 'UTC';
    const cron = parseCronSchedule(input.cron, timezone);
    const active = input.active ?? true;
    const row = await this.#schedules.insert({
      project_id: project.id,
      description: input.description,
      ref: await this.#expandRef(project, input.ref),
      cron: input.cron.trim(),
      cron_timezone: timezone,
      active: active ? 1 : 0,
      next_run_at: cron.nextAfter(this.#now())?.toISOString() ?? null,
      owner_id: actor.userId,
      variables_encrypted: null,
    });
    this.#onChange();
    return this.#details(actor, project, await this.#find(project, row.id));
  }

  async update(actor: Actor, ref: string, id: number, changes: ScheduleChanges): Promise<ScheduleDetails> {
    const project = await this.#access.require(actor, ref, 'read');
    const schedule = await this.#find(project, id);
    await this.#requireEditor(actor, project, schedule);
    const values: PipelineScheduleUpdate = {};
    if (changes.description !== undefined) values.description = changes.description;
    if (changes.ref !== undefined) values.ref = await this.#expandRef(project, changes.ref);
    if (changes.active !== undefined) values.active = changes.active ? 1 : 0;
    if (changes.cron !== undefined || changes.cron_timezone !== undefined || changes.active !== undefined) {
      const expression = changes.cron ?? schedule.cron;
      const timezone = changes.cron_timezone ?? schedule.cron_timezone;
      // Re-timed from now: a schedule switched back on does not run for the times it was off.
      values.next_run_at =
        parseCronSchedule(expression, timezone).nextAfter(this.#now())?.toISOString() ?? null;
      values.cron = expression.trim();
      values.cron_timezone = timezone;
    }
    await this.#schedules.update(schedule.id, values);
    this.#onChange();
    return this.#details(actor, project, await this.#find(project, id));
  }

  async delete(actor: Actor, ref: string, id: number): Promise<void> {
    const project = await this.#access.require(actor, ref, 'read');
    const schedule = await this.#find(project, id);
    await this.#requireEditor(actor, project, schedule);
    await this.#schedules.delete(schedule.id);
    this.#onChange();
  }

  /**
   * Creates the schedule's pipeline now, as the caller, leaving the next timed run as it was (GitLab's
   * "play"). Errors of the pipeline creation (a ref that does not exist) reach the caller.
   */
  async play(actor: Actor, ref: string, id: number): Promise<void> {
    const project = await this.#access.require(actor, ref, 'read');
    const schedule = await this.#find(project, id);
    await this.#roles.require(actor, project, 'developer', 'running a pipeline schedule');
    const target = parseFullRef(schedule.ref);
    if (!target) throw new GantryError('internal', `schedule ${schedule.id} has no branch or tag ref`);
    await this.#pipelines.createPipeline({
      projectId: project.id,
      ref: target.name,
      refType: target.refType,
      source: 'schedule',
      userId: actor.userId,
      scheduleId: schedule.id,
      variables: this.#variablesOf(schedule),
    });
  }

  async createVariable(
    actor: Actor,
    ref: string,
    id: number,
    input: { key: string; value: string; variable_type?: VariableType },
  ): Promise<ScheduleVariable> {
    return this.#editVariables(actor, ref, id, (variables) => {
      if (!isValidVariableKey(input.key)) {
        throw new GantryError('validation_failed', 'a variable key has 1 to 255 letters, digits or _', [
          { path: '/key', message: 'letters, digits and _ only, at most 255' },
        ]);
      }
      if (variables.some((v) => v.key === input.key)) {
        throw conflict(`this schedule already has a variable ${input.key}; change it with PUT`);
      }
      if (variables.length >= MAX_VARIABLES)
        throw badRequest(`a schedule has at most ${MAX_VARIABLES} variables`);
      const variable = {
        key: input.key,
        value: input.value,
        variable_type: input.variable_type ?? 'env_var',
      };
      return { variables: [...variables, variable], result: variable };
    });
  }

  async updateVariable(
    actor: Actor,
    ref: string,
    id: number,
    key: string,
    input: { value: string; variable_type?: VariableType },
  ): Promise<ScheduleVariable> {
    return this.#editVariables(actor, ref, id, (variables) => {
      const current = variables.find((v) => v.key === key);
      if (!current) throw notFound(`schedule variable ${key}`);
      const variable = {
        key,
        value: input.value,
        variable_type: input.variable_type ?? current.variable_type,
      };
      return { variables: variables.map((v) => (v.key === key ? variable : v)), result: variable };
    });
  }

  async deleteVariable(actor: Actor, ref: string, id: number, key: string): Promise<void> {
    await this.#editVariables(actor, ref, id, (variables) => {
      if (!variables.some((v) => v.key === key)) throw notFound(`schedule variable ${key}`);
      return { variables: variables.filter((v) => v.key !== key), result: undefined };
    });
  }

  async #editVariables<T>(
    actor: Actor,
    ref: string,
    id: number,
    edit: (variables: ScheduleVariable[]) => { variables: ScheduleVariable[]; result: T },
  ): Promise<T> {
    const project = await this.#access.require(actor, ref, 'read');
    const schedule = await this.#find(project, id);
    await this.#requireEditor(actor, project, schedule);
    const { variables, result } = edit(this.#variablesOf(schedule));
    await this.#schedules.update(schedule.id, {
      variables_encrypted: encryptScheduleVariables(this.#secrets, project.id, schedule.id, variables),
    });
    return result;
  }

  async #find(project: ProjectRow, id: number): Promise<PipelineScheduleWithOwner> {
    const schedule = await this.#schedules.find(project.id, id);
    if (!schedule) throw notFound('pipeline schedule');
    return schedule;
  }

  /** The owner (while a developer or above) or a maintainer may change a schedule. */
  async #requireEditor(
    actor: Actor,
    project: ProjectRow,
    schedule: PipelineScheduleWithOwner,
  ): Promise<void> {
    if (await this.#roles.has(actor, project, 'maintainer')) return;
    if (schedule.owner_id === actor.userId && (await this.#roles.has(actor, project, 'developer'))) return;
    throw forbidden(
      `only the schedule's owner (a developer) or a maintainer of ${project.path} may change it`,
    );
  }

  async #details(
    actor: Actor,
    project: ProjectRow,
    schedule: PipelineScheduleWithOwner,
  ): Promise<ScheduleDetails> {
    const mayReadVariables =
      (await this.#roles.has(actor, project, 'maintainer')) ||
      (schedule.owner_id === actor.userId && (await this.#roles.has(actor, project, 'developer')));
    return {
      schedule,
      lastPipeline: (await this.#schedules.lastPipeline(schedule.id)) ?? null,
      variables: mayReadVariables ? this.#variablesOf(schedule) : undefined,
    };
  }

  #variablesOf(schedule: PipelineScheduleWithOwner): ScheduleVariable[] {
    return decryptScheduleVariables(
      this.#secrets,
      schedule.project_id,
      schedule.id,
      schedule.variables_encrypted,
    );
  }

  /**
   * The full ref of a branch or tag. Full refs are kept as given; a short name is looked up in the
   * repository, as GitLab expands it: a tag when only a tag has that name, refused when both a
   * branch and a tag do, else a branch (also when neither exists yet: a schedule may be set up before
   * the first push, and its pipelines fail until the branch exists).
   */
  async #expandRef(project: ProjectRow, ref: string): Promise<string> {
    const full = parseFullRef(ref);
    const name = full?.name ?? ref;
    if (!isValidRefPattern(name) || name.includes('*')) {
      throw new GantryError('validation_failed', `"${ref}" is not a branch or tag name`, [
        { path: '/ref', message: 'a branch or tag such as main, v1.0 or refs/heads/main' },
      ]);
    }
    if (full) return fullRef(full.name, full.refType);
    const refs = await listRefs(this.#storage.pathOf(project.id));
    const branch = refs.has(fullRef(name, 'branch'));
    const tag = refs.has(fullRef(name, 'tag'));
    if (branch && tag) {
      throw new GantryError(
        'validation_failed',
        `${name} is both a branch and a tag: give refs/heads/${name} or refs/tags/${name}`,
        [{ path: '/ref', message: 'ambiguous: use the full ref' }],
      );
    }
    return fullRef(name, tag ? 'tag' : 'branch');
  }
}
