import type { Actor } from '../domain/actor.ts';
import type { Grant } from '../domain/deployment-approval.ts';
import { isValidEnvironmentScope } from '../domain/environment-scope.ts';
import { conflict, type ErrorDetail, GantryError, notFound } from '../domain/errors.ts';
import { ACCESS_LEVEL } from '../domain/project-role.ts';
import type { ProjectRow } from '../store/repositories/project-repository.ts';
import type {
  ProtectedEnvironmentRepository,
  ProtectedEnvironmentRow,
} from '../store/repositories/protected-environment-repository.ts';
import type { UserRepository } from '../store/repositories/user-repository.ts';
import type { AuditLog } from './audit-log.ts';
import { parseGrants } from './deployment-policy.ts';
import type { ProjectAccess } from './project-access.ts';
import type { ProjectRoleCheck } from './project-role-check.ts';

/** A grant as GitLab's API takes it: exactly one of `access_level` or `user_id`. */
export interface GrantInput {
  access_level?: number | undefined;
  user_id?: number | undefined;
}

/** A protected environment to create, with GitLab's field names. */
export interface ProtectedEnvironmentInput {
  /** An environment name, or a glob such as `review/*`. */
  name: string;
  deploy_access_levels?: GrantInput[] | undefined;
  required_approval_count?: number | undefined;
  /** Who may approve. */
  approval_rules?: GrantInput[] | undefined;
  allow_self_approval?: boolean | undefined;
  /** False: nobody may open a shell in matching environments (default true). */
  shell_enabled?: boolean | undefined;
  /** The least role that may read logs, containers and metrics (default reporter). */
  logs_access?: LogsAccess | undefined;
}

export type LogsAccess = 'reporter' | 'developer' | 'maintainer';

/** What an update may change; the name is fixed. Lists given replace the stored ones. */
export type ProtectedEnvironmentChanges = Partial<Omit<ProtectedEnvironmentInput, 'name'>>;

/** A grant as the API shows it, with GitLab's description (`Maintainers`, or the user's username). */
export interface GrantView {
  access_level: number | null;
  user_id: number | null;
  access_level_description: string;
}

/** A protected environment as the API shows it. */
export interface ProtectedEnvironment {
  id: number;
  name: string;
  deployAccessLevels: GrantView[];
  approvalRules: GrantView[];
  requiredApprovalCount: number;
  allowSelfApproval: boolean;
  shellEnabled: boolean;
  logsAccess: LogsAccess;
}

export const MAX_REQUIRED_APPROVALS = 10;
const LEVELS = new Set<number>(Object.values(ACCESS_LEVEL));
const LEVEL_DESCRIPTION: Record<number, string> = {
  [ACCESS_LEVEL.reporter]: 'Reporters + Developers + Maintainers',
  [ACCESS_LEVEL.developer]: 'Developers + Maintainers',
  [ACCESS_LEVEL.maintainer]: 'Maintainers',
};

/**
 * Protected environments (GitLab's API): per environment name or glob, who may deploy and how
 * many approvals from whom a deployment needs. Maintainers read and change them; every change is
 * audited. The rules take effect through DeploymentPolicy when a deployment is about to run.
 */
export class ProtectedEnvironmentService {
  readonly #rules: ProtectedEnvironmentRepository;
  readonly #users: UserRepository;
  readonly #access: ProjectAccess;
  readonly #roles: ProjectRoleCheck;
  readonly #audit: AuditLog;

  constructor(deps: {
    rules: ProtectedEnvironmentRepository;
    users: UserRepository;
    access: ProjectAccess;
    roles: ProjectRoleCheck;
    audit: AuditLog;
  }) {
    this.#rules = deps.rules;
    this.#users = deps.users;
    this.#access = deps.access;
    this.#roles = deps.roles;
    this.#audit = deps.audit;
  }

  async list(actor: Actor, ref: string): Promise<ProtectedEnvironment[]> {
    const project = await this.#project(actor, ref);
    const rows = await this.#rules.list(project.id);
    return Promise.all(rows.map((row) => this.#view(row)));
  }

  async get(actor: Actor, ref: string, name: string): Promise<ProtectedEnvironment> {
    const project = await this.#project(actor, ref);
    return this.#view(await this.#find(project, name));
  }

  async create(actor: Actor, ref: string, input: ProtectedEnvironmentInput): Promise<ProtectedEnvironment> {
    const project = await this.#project(actor, ref);
    if (!isValidEnvironmentScope(input.name)) {
      throw new GantryError(
        'validation_failed',
        `"${input.name}" is not an environment name or pattern: use a name such as production or a pattern such as review/*`,
        [{ path: '/name', message: 'letters, digits, spaces, - _ / $ { } . and * (any characters)' }],
      );
    }
    const deployAccess = await this.#grants(input.deploy_access_levels ?? [], 'deploy_access_levels');
    const approvers = await this.#grants(input.approval_rules ?? [], 'approval_rules');
    const required = input.required_approval_count ?? 0;
    checkApprovals(required, approvers);
    if (await this.#rules.find(project.id, input.name)) throw duplicate(input.name);
    const row = await this.#rules.insert({
      project_id: project.id,
      name: input.name,
      deploy_access: JSON.stringify(deployAccess),
      approvers: JSON.stringify(approvers),
      required_approvals: required,
      allow_self_approval: input.allow_self_approval ? 1 : 0,
      shell_enabled: input.shell_enabled === false ? 0 : 1,
      logs_access: input.logs_access ?? 'reporter',
    });
    if (!row) throw duplicate(input.name);
    await this.#record(actor, row, 'create');
    return this.#view(row);
  }

  async update(
    actor: Actor,
    ref: string,
    name: string,
    changes: ProtectedEnvironmentChanges,
  ): Promise<ProtectedEnvironment> {
    const project = await this.#project(actor, ref);
    const row = await this.#find(project, name);
    const deployAccess =
      changes.deploy_access_levels === undefined
        ? parseGrants(row.deploy_access)
        : await this.#grants(changes.deploy_access_levels, 'deploy_access_levels');
    const approvers =
      changes.approval_rules === undefined
        ? parseGrants(row.approvers)
        : await this.#grants(changes.approval_rules, 'approval_rules');
    const required = changes.required_approval_count ?? row.required_approvals;
    checkApprovals(required, approvers);
    const updated = await this.#rules.update(row.id, {
      deploy_access: JSON.stringify(deployAccess),
      approvers: JSON.stringify(approvers),
      required_approvals: required,
      ...(changes.allow_self_approval !== undefined && {
        allow_self_approval: changes.allow_self_approval ? 1 : 0,
      }),
      ...(changes.shell_enabled !== undefined && { shell_enabled: changes.shell_enabled ? 1 : 0 }),
      ...(changes.logs_access !== undefined && { logs_access: changes.logs_access }),
    });
    if (!updated) throw notFound(`protected environment ${name}`);
    await this.#record(actor, updated, 'update');
    return this.#view(updated);
  }

  /** Unprotects; approvals already given to deployments stay in their history. */
  async delete(actor: Actor, ref: string, name: string): Promise<void> {
    const project = await this.#project(actor, ref);
    const row = await this.#find(project, name);
    if (!(await this.#rules.delete(row.id))) throw notFound(`protected environment ${name}`);
    await this.#record(actor, row, 'delete');
  }

  async #project(actor: Actor, ref: string): Promise<ProjectRow> {
    const project = await this.#access.require(actor, ref, 'read');
    await this.#roles.require(actor, project, 'maintainer', 'managing protected environments');
    return project;
  }

  async #find(project: ProjectRow, name: string): Promise<ProtectedEnvironmentRow> {
    const row = await this.#rules.find(project.id, name);
    if (!row) throw notFound(`protected environment ${name}`);
    return row;
  }

  /** Checks grants as given (one of access_level 20/30/40 or an existing user_id); drops repeats. */
  async #grants(inputs: GrantInput[], field: string): Promise<Grant[]> {
    const problems: ErrorDetail[] = [];
    const grants: Grant[] = [];
    const seen = new Set<string>();
    for (const [index, input] of inputs.entries()) {
      const path = `/${field}/${index}`;
      const hasLevel = input.access_level !== undefined;
      const hasUser = input.user_id !== undefined;
      let grant: Grant | null = null;
      if (hasLevel === hasUser) {
        problems.push({ path, message: 'give exactly one of access_level or user_id' });
      } else if (hasLevel) {
        if (LEVELS.has(input.access_level!)) grant = { accessLevel: input.access_level! };
        else
          problems.push({
            path: `${path}/access_level`,
            message: `${input.access_level} is not an access level; use 20 (reporter), 30 (developer) or 40 (maintainer)`,
          });
      } else if (await this.#users.findById(input.user_id!)) {
        grant = { userId: input.user_id! };
      } else {
        problems.push({ path: `${path}/user_id`, message: `user ${input.user_id} does not exist` });
      }
      if (grant === null) continue;
      const key = JSON.stringify(grant);
      if (!seen.has(key)) grants.push(grant);
      seen.add(key);
    }
    if (problems.length > 0) {
      throw new GantryError(
        'validation_failed',
        `invalid ${field}: ${problems[0]!.path} ${problems[0]!.message}`,
        problems,
      );
    }
    return grants;
  }

  async #view(row: ProtectedEnvironmentRow): Promise<ProtectedEnvironment> {
    return {
      id: row.id,
      name: row.name,
      deployAccessLevels: await this.#grantViews(parseGrants(row.deploy_access)),
      approvalRules: await this.#grantViews(parseGrants(row.approvers)),
      requiredApprovalCount: row.required_approvals,
      allowSelfApproval: row.allow_self_approval === 1,
      shellEnabled: row.shell_enabled === 1,
      logsAccess: logsAccessOf(row.logs_access),
    };
  }

  async #grantViews(grants: Grant[]): Promise<GrantView[]> {
    const views: GrantView[] = [];
    for (const grant of grants) {
      if ('userId' in grant) {
        const user = await this.#users.findById(grant.userId);
        views.push({
          access_level: null,
          user_id: grant.userId,
          access_level_description: user?.username ?? `deleted user ${grant.userId}`,
        });
      } else {
        views.push({
          access_level: grant.accessLevel,
          user_id: null,
          access_level_description:
            LEVEL_DESCRIPTION[grant.accessLevel] ?? `access level ${grant.accessLevel}`,
        });
      }
    }
    return views;
  }

  async #record(actor: Actor, row: ProtectedEnvironmentRow, operation: 'create' | 'update' | 'delete') {
    await this.#audit.record({
      projectId: row.project_id,
      userId: actor.userId,
      action: 'protected_environment_change',
      targetType: 'protected_environment',
      targetId: row.id,
      details: {
        operation,
        name: row.name,
        ...(operation !== 'delete' && {
          deploy_access: parseGrants(row.deploy_access),
          approvers: parseGrants(row.approvers),
          required_approvals: row.required_approvals,
          allow_self_approval: row.allow_self_approval === 1,
          shell_enabled: row.shell_enabled === 1,
          logs_access: row.logs_access,
        }),
      },
    });
  }
}

function logsAccessOf(value: string): LogsAccess {
  return value === 'developer' || value === 'maintainer' ? value : 'reporter';
}

function checkApprovals(required: number, approvers: Grant[]): void {
  if (!Number.isInteger(required) || required < 0 || required > MAX_REQUIRED_APPROVALS) {
    throw new GantryError(
      'validation_failed',
      `required_approval_count must be a whole number from 0 to ${MAX_REQUIRED_APPROVALS}`,
      [{ path: '/required_approval_count', message: `0 to ${MAX_REQUIRED_APPROVALS}` }],
    );
  }
  if (required > 0 && approvers.length === 0) {
    throw new GantryError(
      'validation_failed',
      `required_approval_count ${required} needs approvers: give approval_rules with an access_level or user_id`,
      [{ path: '/approval_rules', message: 'at least one approver when approvals are required' }],
    );
  }
}

function duplicate(name: string): GantryError {
  return conflict(`protected environment ${name} already exists; change it with PUT`);
}
