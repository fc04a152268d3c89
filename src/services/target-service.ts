import { type Actor, mayWrite } from '../domain/actor.ts';
import { ALL_ENVIRONMENTS, isValidEnvironmentScope } from '../domain/environment-scope.ts';
import { conflict, forbidden, GantryError, notFound } from '../domain/errors.ts';
import type { Page, PageRequest } from '../domain/pagination.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { TargetRepository, TargetRow, TargetUpdate } from '../store/repositories/target-repository.ts';
import { targetUrl } from '../webhooks/webhook-outbox.ts';
import { targetSecretContext } from '../webhooks/webhook-secrets.ts';
import { checkWebhookUrl } from '../webhooks/webhook-url.ts';
import type { ProjectAccess } from './project-access.ts';
import type { ProjectRoleCheck } from './project-role-check.ts';

/**
 * The kinds of target Gantry knows. `external`: a deployer of its own that receives signed
 * `deployment` webhooks and reports statuses back. The Kubernetes and Podman targets add theirs here.
 */
export const TARGET_KINDS = ['external'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** A target to register. `url` is where an external target's webhooks go; `secret` signs them. */
export interface TargetInput {
  name: string;
  kind: string;
  environment_scope?: string;
  url?: string;
  secret?: string | null;
}

/** What an update may change (not the kind); `secret` null or empty removes it, absent keeps it. */
export type TargetChanges = Partial<Omit<TargetInput, 'kind'>>;

/** A target as the API shows it: the secret never appears. */
export interface Target {
  id: number;
  project_id: number | null;
  name: string;
  kind: string;
  environment_scope: string;
  url: string | null;
  created_at: string;
  updated_at: string;
}

const MAX_SECRET_LENGTH = 1024;

/** Where targets live: one project's settings, or the instance's (`projectId` null). */
interface Level {
  projectId: number | null;
}

/**
 * Targets, where environments run: per project (maintainers) or instance-wide (administrators),
 * each serving the environments its `environment_scope` matches. Only `external` targets exist so
 * far. Secrets are encrypted at rest (context `targets.secret:<id>`) and never returned; target URLs
 * and settings may carry secrets, so reading them needs the `api` scope.
 */
export class TargetService {
  readonly #targets: TargetRepository;
  readonly #access: ProjectAccess;
  readonly #roles: ProjectRoleCheck;
  readonly #secrets: SecretBox;

  constructor(deps: {
    targets: TargetRepository;
    access: ProjectAccess;
    roles: ProjectRoleCheck;
    secrets: SecretBox;
  }) {
    this.#targets = deps.targets;
    this.#access = deps.access;
    this.#roles = deps.roles;
    this.#secrets = deps.secrets;
  }

  async listProject(actor: Actor, ref: string, page: PageRequest): Promise<Page<Target>> {
    return this.#list(await this.#projectLevel(actor, ref), page);
  }

  async getProject(actor: Actor, ref: string, id: number): Promise<Target> {
    return targetView(await this.#find(await this.#projectLevel(actor, ref), id));
  }

  async createProject(actor: Actor, ref: string, input: TargetInput): Promise<Target> {
    return this.#create(await this.#projectLevel(actor, ref), input);
  }

  async updateProject(actor: Actor, ref: string, id: number, changes: TargetChanges): Promise<Target> {
    return this.#update(await this.#projectLevel(actor, ref), id, changes);
  }

  async deleteProject(actor: Actor, ref: string, id: number): Promise<void> {
    const level = await this.#projectLevel(actor, ref);
    await this.#targets.delete((await this.#find(level, id)).id);
  }

  async listInstance(actor: Actor, page: PageRequest): Promise<Page<Target>> {
    return this.#list(instanceLevel(actor), page);
  }

  async getInstance(actor: Actor, id: number): Promise<Target> {
    return targetView(await this.#find(instanceLevel(actor), id));
  }

  async createInstance(actor: Actor, input: TargetInput): Promise<Target> {
    return this.#create(instanceLevel(actor), input);
  }

  async updateInstance(actor: Actor, id: number, changes: TargetChanges): Promise<Target> {
    return this.#update(instanceLevel(actor), id, changes);
  }

  async deleteInstance(actor: Actor, id: number): Promise<void> {
    const level = instanceLevel(actor);
    await this.#targets.delete((await this.#find(level, id)).id);
  }

  async #projectLevel(actor: Actor, ref: string): Promise<Level> {
    const project = await this.#access.require(actor, ref, 'read');
    await this.#roles.require(actor, project, 'maintainer', 'managing deploy targets');
    requireApiScope(actor);
    return { projectId: project.id };
  }

  async #list(level: Level, page: PageRequest): Promise<Page<Target>> {
    const [rows, total] = await Promise.all([
      this.#targets.list(level.projectId, page),
      this.#targets.count(level.projectId),
    ]);
    return { items: rows.map(targetView), total, request: page };
  }

  async #create(level: Level, input: TargetInput): Promise<Target> {
    const kind = checkKind(input.kind);
    const name = checkName(input.name);
    const scope = checkScope(input.environment_scope ?? ALL_ENVIRONMENTS);
    if (input.url === undefined) {
      throw new GantryError('validation_failed', `an ${kind} target needs the url its webhooks go to`, [
        { path: '/url', message: 'required' },
      ]);
    }
    const url = checkWebhookUrl(input.url);
    await this.#checkNameFree(level, name, null);
    const secret = checkSecret(input.secret);
    const row = await this.#targets.insert(
      {
        project_id: level.projectId,
        name,
        kind,
        environment_scope: scope,
        config: JSON.stringify({ url }),
      },
      secret === null ? null : (id) => this.#secrets.encrypt(secret, targetSecretContext(id)),
    );
    return targetView(row);
  }

  async #update(level: Level, id: number, changes: TargetChanges): Promise<Target> {
    const row = await this.#find(level, id);
    const values: TargetUpdate = {};
    if (changes.name !== undefined) {
      values.name = checkName(changes.name);
      await this.#checkNameFree(level, values.name, row.id);
    }
    if (changes.environment_scope !== undefined)
      values.environment_scope = checkScope(changes.environment_scope);
    if (changes.url !== undefined)
      values.config = JSON.stringify({ ...parseConfig(row.config), url: checkWebhookUrl(changes.url) });
    if (changes.secret !== undefined) {
      const secret = checkSecret(changes.secret);
      values.secret_encrypted =
        secret === null ? null : this.#secrets.encrypt(secret, targetSecretContext(row.id));
    }
    const updated = await this.#targets.update(row.id, values);
    if (!updated) throw notFound(`target ${id}`);
    return targetView(updated);
  }

  async #find(level: Level, id: number): Promise<TargetRow> {
    const row = await this.#targets.find(level.projectId, id);
    if (!row) throw notFound(`target ${id}`);
    return row;
  }

  async #checkNameFree(level: Level, name: string, except: number | null): Promise<void> {
    const existing = await this.#targets.findByName(level.projectId, name);
    if (existing && existing.id !== except) {
      throw conflict(
        `a target named ${name} already exists ${level.projectId === null ? 'on this instance' : 'in this project'}`,
      );
    }
  }
}

/** The API view of a target row. */
export function targetView(row: TargetRow): Target {
  return {
    id: row.id,
    project_id: row.project_id,
    name: row.name,
    kind: row.kind,
    environment_scope: row.environment_scope,
    url: targetUrl(row.config) ?? null,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function instanceLevel(actor: Actor): Level {
  if (!actor.isAdmin) throw forbidden('instance targets are for administrators');
  requireApiScope(actor);
  return { projectId: null };
}

function requireApiScope(actor: Actor): void {
  if (!mayWrite(actor)) {
    throw forbidden('target settings may hold secrets: reading them, too, needs a token with the api scope');
  }
}

function parseConfig(config: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(config);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function checkKind(kind: string): TargetKind {
  if (!(TARGET_KINDS as readonly string[]).includes(kind)) {
    throw new GantryError(
      'validation_failed',
      `"${kind}" is not a target kind: use ${TARGET_KINDS.join(', ')}`,
      [{ path: '/kind', message: `one of ${TARGET_KINDS.join(', ')}` }],
    );
  }
  return kind as TargetKind;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 255) {
    throw new GantryError('validation_failed', 'a target name has 1 to 255 characters', [
      { path: '/name', message: '1 to 255 characters' },
    ]);
  }
  return trimmed;
}

function checkScope(scope: string): string {
  if (!isValidEnvironmentScope(scope)) {
    throw new GantryError(
      'validation_failed',
      `"${scope}" is not an environment scope: use *, an environment name or a pattern such as review/*`,
      [{ path: '/environment_scope', message: 'letters, digits, spaces, - _ / $ { } . and *' }],
    );
  }
  return scope;
}

function checkSecret(secret: string | null | undefined): string | null {
  if (secret === undefined || secret === null || secret === '') return null;
  if (secret.length > MAX_SECRET_LENGTH) {
    throw new GantryError('validation_failed', `a secret has at most ${MAX_SECRET_LENGTH} characters`, [
      { path: '/secret', message: `at most ${MAX_SECRET_LENGTH} characters` },
    ]);
  }
  return secret;
}
