import { notFound } from '../domain/errors.ts';
import { parseFullRef, type RefType } from '../domain/full-ref.ts';
import {
  type ResolvedVariable,
  resolveVariables,
  type ScopedVariable,
} from '../domain/variable-resolution.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { CiVariableRepository, CiVariableRow } from '../store/repositories/ci-variable-repository.ts';
import type { ProjectRepository } from '../store/repositories/project-repository.ts';
import { variableContext } from './ci-variable-service.ts';
import type { ProtectedRefService } from './protected-ref-service.ts';

/** What decides a job's instance and project variables. */
export interface ResolveInput {
  projectId: number;
  /** The pipeline's branch or tag, short (`main`); a full `refs/heads/…` / `refs/tags/…` ref is accepted too. */
  ref: string;
  refType: RefType;
  /** The job's `environment:name`, or null when it has none. */
  environmentName: string | null;
}

/**
 * The instance and project CI/CD variables a job receives, decrypted, for the pipeline code (see
 * `resolveVariables` for the rules: protected variables only on protected refs, environment scopes,
 * most specific scope, project over instance).
 */
export class CiVariableResolver {
  readonly #variables: CiVariableRepository;
  readonly #projects: ProjectRepository;
  readonly #protectedRefs: ProtectedRefService;
  readonly #secrets: SecretBox;

  constructor(deps: {
    variables: CiVariableRepository;
    projects: ProjectRepository;
    protectedRefs: ProtectedRefService;
    secrets: SecretBox;
  }) {
    this.#variables = deps.variables;
    this.#projects = deps.projects;
    this.#protectedRefs = deps.protectedRefs;
    this.#secrets = deps.secrets;
  }

  /**
   * Instance variables, then project variables (a project variable replaces an instance one of the
   * same key), each level sorted by key. Throws not_found when the project does not exist.
   */
  async resolve(input: ResolveInput): Promise<ResolvedVariable[]> {
    if (!(await this.#projects.findById(input.projectId))) throw notFound('project');
    const [instance, project, protectedRef] = await Promise.all([
      this.#variables.listAll(null),
      this.#variables.listAll(input.projectId),
      this.isProtected(input.projectId, input.ref, input.refType),
    ]);
    return resolveVariables({
      instance: instance.map((row) => this.#decrypt(row)),
      project: project.map((row) => this.#decrypt(row)),
      protectedRef,
      environmentName: input.environmentName,
    });
  }

  /** Whether the branch or tag is protected (a rule covers it, or it is the default branch while that is protected). */
  isProtected(projectId: number, ref: string, refType: RefType): Promise<boolean> {
    const full = parseFullRef(ref);
    const name = full && full.refType === refType ? full.name : ref;
    return this.#protectedRefs.isProtected(projectId, name, refType);
  }

  #decrypt(row: CiVariableRow): ScopedVariable {
    return {
      key: row.key,
      value: this.#secrets.decrypt(
        row.value_encrypted,
        variableContext(row.project_id, row.key, row.environment_scope),
      ),
      variableType: row.variable_type === 'file' ? 'file' : 'env_var',
      protected: row.protected === 1,
      masked: row.masked === 1,
      raw: row.raw === 1,
      environmentScope: row.environment_scope,
    };
  }
}
