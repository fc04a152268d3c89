import { type Actor, mayWrite } from '../domain/actor.ts';
import { forbidden, GantryError, notFound } from '../domain/errors.ts';
import { mayPerform, type ProjectAction } from '../domain/project-role.ts';
import type { MemberRepository } from '../store/repositories/member-repository.ts';
import type { ProjectRepository, ProjectRow } from '../store/repositories/project-repository.ts';

/**
 * Resolves a project reference (`12` or `group/app`) and checks what the actor may do in it.
 * A project the actor cannot even read answers "not found", as GitLab does, so its existence stays private.
 */
export class ProjectAccess {
  readonly #projects: ProjectRepository;
  readonly #members: MemberRepository;

  constructor(projects: ProjectRepository, members: MemberRepository) {
    this.#projects = projects;
    this.#members = members;
  }

  async find(ref: string): Promise<ProjectRow | undefined> {
    return /^\d+$/.test(ref) ? this.#projects.findById(Number(ref)) : this.#projects.findByPath(ref);
  }

  /** The project if the actor may perform `action` in it; throws not_found or forbidden otherwise. */
  async require(actor: Actor, ref: string, action: ProjectAction): Promise<ProjectRow> {
    const project = await this.find(ref);
    if (!project) throw notFound('project');
    const accessLevel = actor.isAdmin ? null : await this.#members.accessLevel(project.id, actor.userId);
    const who = { isAdmin: actor.isAdmin, accessLevel };
    if (!mayPerform('read', who)) throw notFound('project');
    if (!mayPerform(action, who))
      throw forbidden(`you need a higher role in ${project.path} to ${describe(action)}`);
    if (action !== 'read' && action !== 'fetch' && !mayWrite(actor)) {
      throw new GantryError(
        'forbidden',
        'this token has the read_api scope; changing anything needs the api scope',
      );
    }
    return project;
  }
}

function describe(action: ProjectAction): string {
  const words: Record<ProjectAction, string> = {
    read: 'read it',
    fetch: 'fetch it',
    push: 'push to it (developer or above)',
    manageMembers: 'manage members (maintainer)',
    manageProject: 'change its settings (maintainer)',
    deleteProject: 'delete it (maintainer)',
  };
  return words[action];
}
