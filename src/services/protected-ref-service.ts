import type { Actor } from '../domain/actor.ts';
import { conflict, GantryError, notFound } from '../domain/errors.ts';
import { isProtectedRef, isValidRefPattern, type RefKind } from '../domain/protected-ref.ts';
import type { ProjectRepository, ProjectRow } from '../store/repositories/project-repository.ts';
import type { ProtectedRefRepository } from '../store/repositories/protected-ref-repository.ts';
import type { ProjectAccess } from './project-access.ts';

/**
 * A protected branch or tag rule. `implicit` marks the default branch's protection, which exists
 * without a stored rule (so it has no id) until a maintainer removes it.
 */
export interface ProtectedRef {
  id: number | null;
  name: string;
  implicit: boolean;
}

const NOUN: Record<RefKind, string> = { branch: 'protected branch', tag: 'protected tag' };

/**
 * Protected branches and tags of a project (GitLab's API): names or `*` patterns whose pipelines
 * receive protected CI/CD variables. As in GitLab, the default branch is protected from the start:
 * it counts as protected until a maintainer deletes its rule, which clears the project's
 * `default_branch_protected` flag; that flag follows the default branch when it changes.
 * Reporters read the rules; maintainers change them.
 */
export class ProtectedRefService {
  readonly #refs: ProtectedRefRepository;
  readonly #projects: ProjectRepository;
  readonly #access: ProjectAccess;

  constructor(deps: { refs: ProtectedRefRepository; projects: ProjectRepository; access: ProjectAccess }) {
    this.#refs = deps.refs;
    this.#projects = deps.projects;
    this.#access = deps.access;
  }

  async list(actor: Actor, ref: string, kind: RefKind): Promise<ProtectedRef[]> {
    return this.#rules(await this.#access.require(actor, ref, 'read'), kind);
  }

  async get(actor: Actor, ref: string, kind: RefKind, name: string): Promise<ProtectedRef> {
    const project = await this.#access.require(actor, ref, 'read');
    const rule = (await this.#rules(project, kind)).find((r) => r.name === name);
    if (!rule) throw notFound(`${NOUN[kind]} ${name}`);
    return rule;
  }

  async create(actor: Actor, ref: string, kind: RefKind, name: string): Promise<ProtectedRef> {
    const project = await this.#access.require(actor, ref, 'manageProject');
    if (!isValidRefPattern(name)) {
      throw new GantryError(
        'validation_failed',
        `"${name}" is not a ${kind} name or pattern: give a short name such as main or release/* (no spaces, ~ ^ : ? [ \\)`,
        [{ path: '/name', message: `a ${kind} name, * matching any characters` }],
      );
    }
    if ((await this.#rules(project, kind)).some((r) => r.name === name)) {
      throw conflict(`${NOUN[kind]} ${name} already exists`);
    }
    try {
      const row = await this.#refs.insert(project.id, kind, name);
      return { id: row.id, name: row.name, implicit: false };
    } catch (error) {
      if (await this.#refs.find(project.id, kind, name))
        throw conflict(`${NOUN[kind]} ${name} already exists`);
      throw error;
    }
  }

  /** Removes a rule; removing the default branch's rule also ends its implicit protection. */
  async delete(actor: Actor, ref: string, kind: RefKind, name: string): Promise<void> {
    const project = await this.#access.require(actor, ref, 'manageProject');
    const stored = await this.#refs.find(project.id, kind, name);
    const implicit = implicitRule(project, kind);
    if (!stored && implicit?.name !== name) throw notFound(`${NOUN[kind]} ${name}`);
    if (stored) await this.#refs.delete(stored.id);
    if (kind === 'branch' && name === project.default_branch && project.default_branch_protected === 1) {
      await this.#projects.update(project.id, { default_branch_protected: 0 });
    }
  }

  /**
   * Whether a branch or tag (short name, such as `main` or `v1.0`) of the project is protected:
   * covered by a rule, or the default branch while it keeps its implicit protection.
   */
  async isProtected(projectId: number, name: string, refType: RefKind): Promise<boolean> {
    const project = await this.#projects.findById(projectId);
    if (!project) return false;
    const implicit = implicitRule(project, refType);
    if (implicit?.name === name) return true;
    return isProtectedRef(await this.#refs.patterns(projectId, refType), name);
  }

  async #rules(project: ProjectRow, kind: RefKind): Promise<ProtectedRef[]> {
    const stored = (await this.#refs.list(project.id, kind)).map((row) => ({
      id: row.id,
      name: row.name,
      implicit: false,
    }));
    const implicit = implicitRule(project, kind);
    return implicit && !stored.some((r) => r.name === implicit.name) ? [implicit, ...stored] : stored;
  }
}

function implicitRule(project: ProjectRow, kind: RefKind): ProtectedRef | null {
  if (kind !== 'branch' || project.default_branch_protected !== 1) return null;
  return { id: null, name: project.default_branch, implicit: true };
}
