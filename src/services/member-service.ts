import type { Actor } from '../domain/actor.ts';
import { conflict, forbidden, GantryError, notFound } from '../domain/errors.ts';
import { ACCESS_LEVEL, roleOfLevel } from '../domain/project-role.ts';
import type { MemberRepository, MemberWithUser } from '../store/repositories/member-repository.ts';
import type { UserRepository } from '../store/repositories/user-repository.ts';
import type { ProjectAccess } from './project-access.ts';

/** Project membership: who has which role. Maintainers manage it; every member may read it. */
export class MemberService {
  readonly #members: MemberRepository;
  readonly #users: UserRepository;
  readonly #access: ProjectAccess;

  constructor(deps: { members: MemberRepository; users: UserRepository; access: ProjectAccess }) {
    this.#members = deps.members;
    this.#users = deps.users;
    this.#access = deps.access;
  }

  async list(actor: Actor, ref: string): Promise<MemberWithUser[]> {
    const project = await this.#access.require(actor, ref, 'read');
    return this.#members.list(project.id);
  }

  async get(actor: Actor, ref: string, userId: number): Promise<MemberWithUser> {
    const project = await this.#access.require(actor, ref, 'read');
    const member = (await this.#members.list(project.id)).find((m) => m.user_id === userId);
    if (!member) throw notFound('member');
    return member;
  }

  async add(actor: Actor, ref: string, userId: number, accessLevel: number): Promise<MemberWithUser> {
    const project = await this.#access.require(actor, ref, 'manageMembers');
    checkLevel(accessLevel);
    if (!(await this.#users.findById(userId))) throw notFound('user');
    if ((await this.#members.accessLevel(project.id, userId)) !== null) {
      throw conflict('this user is already a member; change their role with PUT');
    }
    await this.#members.add(project.id, userId, accessLevel);
    return this.get(actor, ref, userId);
  }

  async update(actor: Actor, ref: string, userId: number, accessLevel: number): Promise<MemberWithUser> {
    const project = await this.#access.require(actor, ref, 'manageMembers');
    checkLevel(accessLevel);
    const current = await this.#members.accessLevel(project.id, userId);
    if (current === null) throw notFound('member');
    if (current >= ACCESS_LEVEL.maintainer && accessLevel < ACCESS_LEVEL.maintainer) {
      await this.#keepOneMaintainer(project.id);
    }
    await this.#members.update(project.id, userId, accessLevel);
    return this.get(actor, ref, userId);
  }

  async remove(actor: Actor, ref: string, userId: number): Promise<void> {
    const project = await this.#access.require(actor, ref, 'manageMembers');
    const current = await this.#members.accessLevel(project.id, userId);
    if (current === null) throw notFound('member');
    if (current >= ACCESS_LEVEL.maintainer) await this.#keepOneMaintainer(project.id);
    await this.#members.remove(project.id, userId);
  }

  async #keepOneMaintainer(projectId: number): Promise<void> {
    if ((await this.#members.countAtLevel(projectId, ACCESS_LEVEL.maintainer)) <= 1) {
      throw forbidden('a project must keep at least one maintainer');
    }
  }
}

function checkLevel(level: number): void {
  if (!roleOfLevel(level)) {
    throw new GantryError(
      'validation_failed',
      'access_level must be 20 (reporter), 30 (developer) or 40 (maintainer)',
      [{ path: '/access_level', message: 'one of 20, 30, 40' }],
    );
  }
}
