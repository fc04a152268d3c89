import { type Actor, mayWrite } from '../domain/actor.ts';
import { forbidden, GantryError, notFound } from '../domain/errors.ts';
import type { Page, PageRequest } from '../domain/pagination.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type {
  HookDeliveryRepository,
  HookDeliveryRow,
} from '../store/repositories/hook-delivery-repository.ts';
import type {
  ProjectHookRepository,
  ProjectHookRow,
  ProjectHookUpdate,
} from '../store/repositories/project-hook-repository.ts';
import type { ProjectRow } from '../store/repositories/project-repository.ts';
import type { HookPayloads } from '../webhooks/hook-payloads.ts';
import { HOOK_TRIGGERS, type HookEnqueuer, type HookTrigger } from '../webhooks/project-hook-events.ts';
import { projectHookSecretContext } from '../webhooks/webhook-secrets.ts';
import { checkWebhookUrl } from '../webhooks/webhook-url.ts';
import type { ProjectAccess } from './project-access.ts';
import type { ProjectRoleCheck } from './project-role-check.ts';

/** A hook to create, with GitLab's field names. `token` is the secret deliveries are signed with. */
export interface ProjectHookInput {
  url: string;
  token?: string | null;
  pipeline_events?: boolean;
  job_events?: boolean;
  deployment_events?: boolean;
  releases_events?: boolean;
}

/** What an update may change; `token` null or empty removes the secret, absent keeps it. */
export type ProjectHookChanges = Partial<ProjectHookInput>;

/** Longest secret accepted. */
export const MAX_HOOK_TOKEN_LENGTH = 1024;

/**
 * Project webhooks (GitLab's `/projects/:id/hooks`): URLs that receive pipeline, job, deployment
 * and release events as signed JSON POSTs, with their delivery log and a test action. Maintainers
 * only; hook URLs and payloads can carry secrets, so reading them, too, needs the `api` scope.
 * Secrets are encrypted at rest and never returned.
 */
export class ProjectHookService {
  readonly #hooks: ProjectHookRepository;
  readonly #deliveries: HookDeliveryRepository;
  readonly #access: ProjectAccess;
  readonly #roles: ProjectRoleCheck;
  readonly #secrets: SecretBox;
  readonly #payloads: HookPayloads;
  readonly #outbox: HookEnqueuer;

  constructor(deps: {
    hooks: ProjectHookRepository;
    deliveries: HookDeliveryRepository;
    access: ProjectAccess;
    roles: ProjectRoleCheck;
    secrets: SecretBox;
    payloads: HookPayloads;
    outbox: HookEnqueuer;
  }) {
    this.#hooks = deps.hooks;
    this.#deliveries = deps.deliveries;
    this.#access = deps.access;
    this.#roles = deps.roles;
    this.#secrets = deps.secrets;
    this.#payloads = deps.payloads;
    this.#outbox = deps.outbox;
  }

  async list(actor: Actor, ref: string, page: PageRequest): Promise<Page<ProjectHookRow>> {
    const project = await this.#project(actor, ref);
    const [items, total] = await Promise.all([
      this.#hooks.list(project.id, page),
      this.#hooks.count(project.id),
    ]);
    return { items, total, request: page };
  }

  async get(actor: Actor, ref: string, hookId: number): Promise<ProjectHookRow> {
    return this.#find(await this.#project(actor, ref), hookId);
  }

  async create(actor: Actor, ref: string, input: ProjectHookInput): Promise<ProjectHookRow> {
    const project = await this.#project(actor, ref);
    const token = checkToken(input.token);
    return this.#hooks.insert(
      {
        project_id: project.id,
        url: checkWebhookUrl(input.url),
        pipeline_events: flag(input.pipeline_events),
        job_events: flag(input.job_events),
        deployment_events: flag(input.deployment_events),
        release_events: flag(input.releases_events),
      },
      token === null ? null : (id) => this.#secrets.encrypt(token, projectHookSecretContext(project.id, id)),
    );
  }

  async update(
    actor: Actor,
    ref: string,
    hookId: number,
    changes: ProjectHookChanges,
  ): Promise<ProjectHookRow> {
    const project = await this.#project(actor, ref);
    const hook = await this.#find(project, hookId);
    const values: ProjectHookUpdate = {};
    if (changes.url !== undefined) values.url = checkWebhookUrl(changes.url);
    if (changes.token !== undefined) {
      const token = checkToken(changes.token);
      values.secret_encrypted =
        token === null ? null : this.#secrets.encrypt(token, projectHookSecretContext(project.id, hook.id));
    }
    if (changes.pipeline_events !== undefined) values.pipeline_events = flag(changes.pipeline_events);
    if (changes.job_events !== undefined) values.job_events = flag(changes.job_events);
    if (changes.deployment_events !== undefined) values.deployment_events = flag(changes.deployment_events);
    if (changes.releases_events !== undefined) values.release_events = flag(changes.releases_events);
    if (Object.keys(values).length === 0) return hook;
    const updated = await this.#hooks.update(hook.id, values);
    if (!updated) throw notFound(`hook ${hookId}`);
    return updated;
  }

  async delete(actor: Actor, ref: string, hookId: number): Promise<void> {
    const hook = await this.#find(await this.#project(actor, ref), hookId);
    await this.#hooks.delete(hook.id);
  }

  /** The hook's delivery log, newest first. */
  async deliveries(
    actor: Actor,
    ref: string,
    hookId: number,
    page: PageRequest,
  ): Promise<Page<HookDeliveryRow>> {
    const hook = await this.#find(await this.#project(actor, ref), hookId);
    const owner = { hookId: hook.id };
    const [items, total] = await Promise.all([
      this.#deliveries.list(owner, page),
      this.#deliveries.count(owner),
    ]);
    return { items, total, request: page };
  }

  /**
   * Queues a sample event of one kind for the hook, whether or not the hook receives that kind:
   * the project's newest pipeline, job, deployment or release, or made-up values when it has none.
   */
  async test(actor: Actor, ref: string, hookId: number, trigger: HookTrigger): Promise<HookDeliveryRow> {
    const project = await this.#project(actor, ref);
    const hook = await this.#find(project, hookId);
    const { event } = HOOK_TRIGGERS[trigger];
    const payload = await this.#payloads.sample(project.id, event);
    if (payload === undefined) throw notFound('project');
    const id = await this.#outbox.enqueueForHook(hook, event, payload);
    const delivery = await this.#deliveries.find(id);
    if (!delivery) throw notFound(`delivery ${id}`);
    return delivery;
  }

  async #project(actor: Actor, ref: string): Promise<ProjectRow> {
    const project = await this.#access.require(actor, ref, 'read');
    await this.#roles.require(actor, project, 'maintainer', 'managing webhooks');
    if (!mayWrite(actor)) {
      throw forbidden(
        'webhook URLs and payloads may hold secrets: reading them, too, needs a token with the api scope',
      );
    }
    return project;
  }

  async #find(project: ProjectRow, hookId: number): Promise<ProjectHookRow> {
    const hook = await this.#hooks.find(project.id, hookId);
    if (!hook) throw notFound(`hook ${hookId}`);
    return hook;
  }
}

function flag(value: boolean | undefined): number {
  return value ? 1 : 0;
}

function checkToken(token: string | null | undefined): string | null {
  if (token === undefined || token === null || token === '') return null;
  if (token.length > MAX_HOOK_TOKEN_LENGTH) {
    throw new GantryError('validation_failed', `a token has at most ${MAX_HOOK_TOKEN_LENGTH} characters`, [
      { path: '/token', message: `at most ${MAX_HOOK_TOKEN_LENGTH} characters` },
    ]);
  }
  return token;
}
