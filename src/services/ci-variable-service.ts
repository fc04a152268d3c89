import { type Actor, mayWrite } from '../domain/actor.ts';
import { isValidVariableKey, maskedValueProblem, type VariableType } from '../domain/ci-variable.ts';
import { ALL_ENVIRONMENTS, isValidEnvironmentScope } from '../domain/environment-scope.ts';
import { conflict, forbidden, GantryError, notFound } from '../domain/errors.ts';
import type { Page, PageRequest } from '../domain/pagination.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { CiVariableRepository, CiVariableRow } from '../store/repositories/ci-variable-repository.ts';
import type { ProjectAccess } from './project-access.ts';
import type { ProjectRoleCheck } from './project-role-check.ts';

/** A variable to create, with GitLab's field names and defaults. */
export interface CiVariableInput {
  key: string;
  value: string;
  variable_type?: VariableType;
  protected?: boolean;
  masked?: boolean;
  raw?: boolean;
  environment_scope?: string;
  description?: string | null;
}

/** What an update may change; the key is fixed. */
export type CiVariableChanges = Partial<Omit<CiVariableInput, 'key'>>;

/** A variable as the API shows it. `value` is null where it is withheld: masked values, except when one variable is read. */
export interface CiVariable {
  key: string;
  value: string | null;
  variable_type: VariableType;
  protected: boolean;
  masked: boolean;
  raw: boolean;
  environment_scope: string;
  description: string | null;
}

/** Where variables live: one project's settings, or the instance's (`projectId` null). */
interface Level {
  projectId: number | null;
  /** The keys a masked value may not equal: the level's own and those it inherits. */
  keys(): Promise<string[]>;
}

/**
 * Encryption context of a stored value: a ciphertext copied to another project, key or scope
 * fails to decrypt. Instance variables use `instance:variable:KEY:*`.
 */
export function variableContext(projectId: number | null, key: string, scope: string): string {
  return projectId === null
    ? `instance:variable:${key}:${scope}`
    : `project:${projectId}:variable:${key}:${scope}`;
}

/**
 * CI/CD variables of projects (maintainers) and of the instance (administrators), with GitLab's
 * fields and rules. Values are encrypted at rest with the project, key and scope as context; masked
 * values must be maskable; they are never returned in lists, only when one variable is read.
 * Values hold secrets, so even reading them needs a token with the `api` scope. Nothing here logs
 * a value.
 */
export class CiVariableService {
  readonly #variables: CiVariableRepository;
  readonly #access: ProjectAccess;
  readonly #roles: ProjectRoleCheck;
  readonly #secrets: SecretBox;

  constructor(deps: {
    variables: CiVariableRepository;
    access: ProjectAccess;
    roles: ProjectRoleCheck;
    secrets: SecretBox;
  }) {
    this.#variables = deps.variables;
    this.#access = deps.access;
    this.#roles = deps.roles;
    this.#secrets = deps.secrets;
  }

  async listProject(actor: Actor, ref: string, page: PageRequest): Promise<Page<CiVariable>> {
    return this.#list(await this.#projectLevel(actor, ref), page);
  }

  async getProject(actor: Actor, ref: string, key: string, scope?: string): Promise<CiVariable> {
    const level = await this.#projectLevel(actor, ref);
    return this.#view(level, await this.#target(level, key, scope), true);
  }

  async createProject(actor: Actor, ref: string, input: CiVariableInput): Promise<CiVariable> {
    return this.#create(await this.#projectLevel(actor, ref), input);
  }

  async updateProject(
    actor: Actor,
    ref: string,
    key: string,
    changes: CiVariableChanges,
    scope?: string,
  ): Promise<CiVariable> {
    return this.#update(await this.#projectLevel(actor, ref), key, changes, scope);
  }

  async deleteProject(actor: Actor, ref: string, key: string, scope?: string): Promise<void> {
    const level = await this.#projectLevel(actor, ref);
    await this.#variables.delete((await this.#target(level, key, scope)).id);
  }

  async listInstance(actor: Actor, page: PageRequest): Promise<Page<CiVariable>> {
    return this.#list(this.#instanceLevel(actor), page);
  }

  async getInstance(actor: Actor, key: string): Promise<CiVariable> {
    const level = this.#instanceLevel(actor);
    return this.#view(level, await this.#target(level, key), true);
  }

  async createInstance(actor: Actor, input: CiVariableInput): Promise<CiVariable> {
    return this.#create(this.#instanceLevel(actor), input);
  }

  async updateInstance(actor: Actor, key: string, changes: CiVariableChanges): Promise<CiVariable> {
    return this.#update(this.#instanceLevel(actor), key, changes, undefined);
  }

  async deleteInstance(actor: Actor, key: string): Promise<void> {
    const level = this.#instanceLevel(actor);
    await this.#variables.delete((await this.#target(level, key)).id);
  }

  async #projectLevel(actor: Actor, ref: string): Promise<Level> {
    const project = await this.#access.require(actor, ref, 'read');
    await this.#roles.require(actor, project, 'maintainer', 'reading or changing CI/CD variables');
    requireApiScope(actor);
    return {
      projectId: project.id,
      keys: async () => [...(await this.#variables.keys(project.id)), ...(await this.#variables.keys(null))],
    };
  }

  #instanceLevel(actor: Actor): Level {
    if (!actor.isAdmin) throw forbidden('instance CI/CD variables are for administrators');
    requireApiScope(actor);
    return { projectId: null, keys: () => this.#variables.keys(null) };
  }

  async #list(level: Level, page: PageRequest): Promise<Page<CiVariable>> {
    const [rows, total] = await Promise.all([
      this.#variables.list(level.projectId, page),
      this.#variables.count(level.projectId),
    ]);
    return { items: rows.map((row) => this.#view(level, row, false)), total, request: page };
  }

  async #create(level: Level, input: CiVariableInput): Promise<CiVariable> {
    checkKey(input.key);
    const scope = checkScope(level, input.environment_scope ?? ALL_ENVIRONMENTS);
    const masked = input.masked ?? false;
    const raw = input.raw ?? false;
    if (masked) await this.#checkMaskable(level, input.key, input.value, raw);
    const existing = await this.#variables.findByKey(level.projectId, input.key);
    if (existing.some((row) => row.environment_scope === scope)) throw duplicate(input.key, scope);
    let row: CiVariableRow;
    try {
      row = await this.#variables.insert({
        project_id: level.projectId,
        key: input.key,
        value_encrypted: this.#secrets.encrypt(
          input.value,
          variableContext(level.projectId, input.key, scope),
        ),
        variable_type: input.variable_type ?? 'env_var',
        protected: input.protected ? 1 : 0,
        masked: masked ? 1 : 0,
        raw: raw ? 1 : 0,
        environment_scope: scope,
        description: input.description ?? null,
      });
    } catch (error) {
      // Two requests racing for one key and scope: the unique index lets one through.
      const again = await this.#variables.findByKey(level.projectId, input.key);
      if (again.some((r) => r.environment_scope === scope)) throw duplicate(input.key, scope);
      throw error;
    }
    return this.#view(level, row, false);
  }

  async #update(level: Level, key: string, changes: CiVariableChanges, scope?: string): Promise<CiVariable> {
    const row = await this.#target(level, key, scope);
    const nextScope =
      changes.environment_scope === undefined
        ? row.environment_scope
        : checkScope(level, changes.environment_scope);
    if (nextScope !== row.environment_scope) {
      const others = await this.#variables.findByKey(level.projectId, key);
      if (others.some((r) => r.environment_scope === nextScope)) throw duplicate(key, nextScope);
    }
    const value = changes.value ?? this.#decrypt(level, row);
    const masked = changes.masked ?? row.masked === 1;
    const raw = changes.raw ?? row.raw === 1;
    if (masked) await this.#checkMaskable(level, key, value, raw);
    const updated = await this.#variables.update(row.id, {
      value_encrypted: this.#secrets.encrypt(value, variableContext(level.projectId, key, nextScope)),
      environment_scope: nextScope,
      masked: masked ? 1 : 0,
      raw: raw ? 1 : 0,
      ...(changes.variable_type !== undefined && { variable_type: changes.variable_type }),
      ...(changes.protected !== undefined && { protected: changes.protected ? 1 : 0 }),
      ...(changes.description !== undefined && { description: changes.description }),
    });
    if (!updated) throw notFound(`variable ${key}`);
    return this.#view(level, updated, false);
  }

  /** The one variable of `key` (in `scope`, when given); a key stored in several scopes needs the scope. */
  async #target(level: Level, key: string, scope?: string): Promise<CiVariableRow> {
    const rows = (await this.#variables.findByKey(level.projectId, key)).filter(
      (row) => scope === undefined || row.environment_scope === scope,
    );
    const [row, ...more] = rows;
    if (!row) throw notFound(scope === undefined ? `variable ${key}` : `variable ${key} in scope ${scope}`);
    if (more.length > 0) {
      throw conflict(
        `variable ${key} exists in several environment scopes (${rows.map((r) => r.environment_scope).join(', ')}); ` +
          'choose one with ?filter[environment_scope]=',
      );
    }
    return row;
  }

  async #checkMaskable(level: Level, key: string, value: string, raw: boolean): Promise<void> {
    const problem = maskedValueProblem(value, { raw, variableKeys: [key, ...(await level.keys())] });
    if (problem !== null) {
      throw new GantryError('bad_request', `this value cannot be masked: ${problem}`, [
        { path: '/value', message: problem },
      ]);
    }
  }

  #decrypt(level: Level, row: CiVariableRow): string {
    return this.#secrets.decrypt(
      row.value_encrypted,
      variableContext(level.projectId, row.key, row.environment_scope),
    );
  }

  #view(level: Level, row: CiVariableRow, reveal: boolean): CiVariable {
    const masked = row.masked === 1;
    return {
      key: row.key,
      value: masked && !reveal ? null : this.#decrypt(level, row),
      variable_type: row.variable_type === 'file' ? 'file' : 'env_var',
      protected: row.protected === 1,
      masked,
      raw: row.raw === 1,
      environment_scope: row.environment_scope,
      description: row.description,
    };
  }
}

function requireApiScope(actor: Actor): void {
  if (!mayWrite(actor)) {
    throw forbidden('CI/CD variables hold secrets: reading them, too, needs a token with the api scope');
  }
}

function checkKey(key: string): void {
  if (!isValidVariableKey(key)) {
    throw new GantryError('validation_failed', 'a variable key has 1 to 255 letters, digits or _', [
      { path: '/key', message: 'letters, digits and _ only, at most 255' },
    ]);
  }
}

function checkScope(level: Level, scope: string): string {
  if (level.projectId === null && scope !== ALL_ENVIRONMENTS) {
    throw new GantryError('validation_failed', 'instance variables apply to every environment: scope *', [
      { path: '/environment_scope', message: 'must be * for instance variables' },
    ]);
  }
  if (!isValidEnvironmentScope(scope)) {
    throw new GantryError(
      'validation_failed',
      `"${scope}" is not an environment scope: use *, an environment name or a pattern such as review/*`,
      [{ path: '/environment_scope', message: 'letters, digits, spaces, - _ / $ { } . and *' }],
    );
  }
  return scope;
}

function duplicate(key: string, scope: string): GantryError {
  return conflict(`variable ${key} already exists in environment scope ${scope}; change it with PUT`);
}
