import type { Actor } from '../domain/actor.ts';
import { forbidden } from '../domain/errors.ts';
import { ACCESS_LEVEL, type ProjectRole } from '../domain/project-role.ts';
import type { MemberRepository } from '../store/repositories/member-repository.ts';
import type { ProjectRow } from '../store/repositories/project-repository.ts';

/**
 * Role checks inside a project the actor can already read (ProjectAccess has answered "not found"
 * for everyone else), with messages that name the feature rather than a generic action.
 */
export class ProjectRoleCheck {
  readonly #members: MemberRepository;

  constructor(members: MemberRepository) {
    this.#members = members;
  }

  /** Whether the actor has at least `role` in the project; admins have every role. */
  async has(actor: Actor, project: ProjectRow, role: ProjectRole): Promise<boolean> {
    if (actor.isAdmin) return true;
    const level = await this.#members.accessLevel(project.id, actor.userId);
    return level !== null && level >= ACCESS_LEVEL[role];
  }

  /** Throws forbidden, saying `what` needs `role`, unless the actor has it. */
  async require(actor: Actor, project: ProjectRow, role: ProjectRole, what: string): Promise<void> {
    if (!(await this.has(actor, project, role))) {
      throw forbidden(`${what} needs the ${role} role (or above) in ${project.path}`);
    }
  }
}
