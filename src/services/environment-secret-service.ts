import { type Actor, mayWrite } from '../domain/actor.ts';
import { ALL_ENVIRONMENTS, isValidEnvironmentScope } from '../domain/environment-scope.ts';
import { secretKeyProblem, secretsForEnvironment, secretValueProblem } from '../domain/environment-secret.ts';
import { conflict, forbidden, GantryError, notFound } from '../domain/errors.ts';
import type { Page, PageRequest } from '../domain/pagination.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type {
  EnvironmentSecretRepository,
  EnvironmentSecretRow,
} from '../store/repositories/environment-secret-repository.ts';
import type { AuditLog } from './audit-log.ts';
import type { ProjectAccess } from './project-access.ts';
import type { ProjectRoleCheck } from './project-role-check.ts';

/** A secret to create; `environment_scope` defaults to `*` (every environment). */
export interface EnvironmentSecretInput {
  key: string;
  value: string;
  environment_scope?: string | undefined;
}

/** A secret as the API shows it: never its value. */
export interface EnvironmentSecret {
  key: string;
  environment_scope: string;
  created_at: string;
  updated_at: string;
}

/** The secrets one environment receives, decrypted, and a digest naming that set. */
export interface EnvironmentSecretSet {
  /** Key → value, the most specific matching scope winning per key. */
  values: Record<string, string>;
  /**
   * HMAC-SHA256 (hex, keyed with the server's primary secret key) of the chosen keys, scopes and
   * values: equal sets give equal versions, and it cannot be checked against guessed values without
   * the key. It changes when any of them changes, and when the primary key is rotated.
   */
  version: string;
}

/**
 * Encryption context of a stored value: a ciphertext copied to another project, key or scope fails
 * to decrypt.
 */
export function environmentSecretContext(projectId: number, key: string, scope: string): string {
  return `project:${projectId}:environment_secret:${key}:${scope}`;
}

/**
 * Environment secrets of a project: values the deployer hands to the environments an
 * `environment_scope` matches (as a Kubernetes Secret). Maintainers manage them; values are
 * write-only, encrypted at rest, never returned, logged or audited; listing them needs the `api`
 * scope too. `valuesForEnvironment` and `secretSetForEnvironment` are for the deployer and check
 * no actor.
 */
export class EnvironmentSecretService {
  readonly #rows: EnvironmentSecretRepository;
  readonly #access: ProjectAccess;
  readonly #roles: ProjectRoleCheck;
  readonly #secrets: SecretBox;
  readonly #audit: AuditLog;

  constructor(deps: {
    environmentSecrets: EnvironmentSecretRepository;
    access: ProjectAccess;
    roles: ProjectRoleCheck;
    secrets: SecretBox;
    audit: AuditLog;
  }) {
    this.#rows = deps.environmentSecrets;
    this.#access = deps.access;
    this.#roles = deps.roles;
    this.#secrets = deps.secrets;
    this.#audit = deps.audit;
  }

  /** One page of the project's secrets, by key then scope, without values. */
  async list(actor: Actor, ref: string, page: PageRequest): Promise<Page<EnvironmentSecret>> {
    const projectId = await this.#projectId(actor, ref);
    const [rows, total] = await Promise.all([this.#rows.list(projectId, page), this.#rows.count(projectId)]);
    return { items: rows.map(secretView), total, request: page };
  }

  /** Creates a secret; `409` when the key already exists in that scope. */
  async create(actor: Actor, ref: string, input: EnvironmentSecretInput): Promise<EnvironmentSecret> {
    const projectId = await this.#projectId(actor, ref);
    checkKey(input.key);
    const scope = checkScope(input.environment_scope ?? ALL_ENVIRONMENTS);
    checkValue(input.value);
    if (await this.#rows.find(projectId, input.key, scope)) throw duplicate(input.key, scope);
    let row: EnvironmentSecretRow;
    try {
      row = await this.#rows.insert({
        project_id: projectId,
        environment_scope: scope,
        key: input.key,
        value_encrypted: this.#secrets.encrypt(
          input.value,
          environmentSecretContext(projectId, input.key, scope),
        ),
      });
    } catch (error) {
      // Two requests racing for one key and scope: the unique index lets one through.
      if (await this.#rows.find(projectId, input.key, scope)) throw duplicate(input.key, scope);
      throw error;
    }
    await this.#record(actor, row, 'create');
    return secretView(row);
  }

  /** Replaces the value of the secret `key` in `scope` (default `*`). */
  async update(
    actor: Actor,
    ref: string,
    key: string,
    value: string,
    scope: string = ALL_ENVIRONMENTS,
  ): Promise<EnvironmentSecret> {
    const projectId = await this.#projectId(actor, ref);
    checkValue(value);
    const row = await this.#find(projectId, key, scope);
    const updated = await this.#rows.updateValue(
      row.id,
      this.#secrets.encrypt(value, environmentSecretContext(projectId, key, scope)),
    );
    if (!updated) throw missing(key, scope);
    await this.#record(actor, updated, 'update');
    return secretView(updated);
  }

  /** Deletes the secret `key` in `scope` (default `*`). */
  async delete(actor: Actor, ref: string, key: string, scope: string = ALL_ENVIRONMENTS): Promise<void> {
    const projectId = await this.#projectId(actor, ref);
    const row = await this.#find(projectId, key, scope);
    if (!(await this.#rows.delete(row.id))) throw missing(key, scope);
    await this.#record(actor, row, 'delete');
  }

  /**
   * The decrypted secrets environment `environmentName` of project `projectId` receives: for each
   * key, the value of the most specific matching scope (exact name, then wildcard scopes with more
   * literal characters, then `*`). For the deployer; checks no permissions.
   */
  async valuesForEnvironment(projectId: number, environmentName: string): Promise<Record<string, string>> {
    return (await this.secretSetForEnvironment(projectId, environmentName)).values;
  }

  /**
   * `valuesForEnvironment` with the set's `version`, so a deployment snapshot can name the secrets
   * it applied without holding their values.
   */
  async secretSetForEnvironment(projectId: number, environmentName: string): Promise<EnvironmentSecretSet> {
    const chosen = secretsForEnvironment(await this.#rows.listAll(projectId), environmentName).map((row) => ({
      key: row.key,
      scope: row.environment_scope,
      value: this.#secrets.decrypt(
        row.value_encrypted,
        environmentSecretContext(projectId, row.key, row.environment_scope),
      ),
    }));
    return {
      values: Object.fromEntries(chosen.map((secret) => [secret.key, secret.value])),
      version: this.#secrets.digest(
        JSON.stringify(chosen.map((secret) => [secret.key, secret.scope, secret.value])),
        `project:${projectId}:environment_secrets`,
      ),
    };
  }

  async #projectId(actor: Actor, ref: string): Promise<number> {
    const project = await this.#access.require(actor, ref, 'read');
    await this.#roles.require(actor, project, 'maintainer', 'managing environment secrets');
    if (!mayWrite(actor)) {
      throw forbidden('environment secrets are secrets: listing them, too, needs a token with the api scope');
    }
    return project.id;
  }

  async #find(projectId: number, key: string, scope: string): Promise<EnvironmentSecretRow> {
    const row = await this.#rows.find(projectId, key, scope);
    if (!row) throw missing(key, scope);
    return row;
  }

  async #record(actor: Actor, row: EnvironmentSecretRow, operation: 'create' | 'update' | 'delete') {
    await this.#audit.record({
      projectId: row.project_id,
      userId: actor.userId,
      action: 'environment_secret_change',
      targetType: 'environment_secret',
      targetId: row.id,
      details: { operation, key: row.key, environment_scope: row.environment_scope },
    });
  }
}

function secretView(row: EnvironmentSecretRow): EnvironmentSecret {
  return {
    key: row.key,
    environment_scope: row.environment_scope,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function checkKey(key: string): void {
  const problem = secretKeyProblem(key);
  if (problem !== null) {
    // The key is not repeated: a value pasted into the wrong field must not be echoed anywhere.
    throw new GantryError('validation_failed', `invalid secret key: ${problem}`, [
      { path: '/key', message: problem },
    ]);
  }
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

function checkValue(value: string): void {
  const problem = secretValueProblem(value);
  if (problem !== null) {
    throw new GantryError('validation_failed', problem, [{ path: '/value', message: problem }]);
  }
}

function duplicate(key: string, scope: string): GantryError {
  return conflict(`secret ${key} already exists in environment scope ${scope}; change its value with PUT`);
}

function missing(key: string, scope: string): GantryError {
  return notFound(`secret ${key} in environment scope ${scope}`);
}
