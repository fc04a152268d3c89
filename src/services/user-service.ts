import { hashPassword } from '../auth/password-hash.ts';
import { type Actor, mayWrite, type TokenScope } from '../domain/actor.ts';
import { conflict, forbidden, GantryError, notFound } from '../domain/errors.ts';
import { offsetOf, type Page, type PageRequest } from '../domain/pagination.ts';
import type { AccessTokenRepository, AccessTokenRow } from '../store/repositories/access-token-repository.ts';
import type { UserRepository, UserRow } from '../store/repositories/user-repository.ts';
import type { AuthService, IssuedToken } from './auth-service.ts';

const USERNAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/;
const MIN_PASSWORD = 8;

/** Users and their personal access tokens. */
export class UserService {
  readonly #users: UserRepository;
  readonly #tokens: AccessTokenRepository;
  readonly #auth: AuthService;

  constructor(deps: { users: UserRepository; tokens: AccessTokenRepository; auth: AuthService }) {
    this.#users = deps.users;
    this.#tokens = deps.tokens;
    this.#auth = deps.auth;
  }

  async current(actor: Actor): Promise<UserRow> {
    const user = await this.#users.findById(actor.userId);
    if (!user) throw notFound('user');
    return user;
  }

  /**
   * Lists users by id; `username` (exact, as GitLab's `?username=`) narrows the list to that user,
   * so a client can turn a name into an id without paging through everyone.
   */
  async list(_actor: Actor, page: PageRequest, filter: { username?: string } = {}): Promise<Page<UserRow>> {
    if (filter.username !== undefined) {
      const user = await this.#users.findByUsername(filter.username);
      const matches = user ? [user] : [];
      return { items: offsetOf(page) === 0 ? matches : [], total: matches.length, request: page };
    }
    const [items, total] = await Promise.all([this.#users.list(page), this.#users.count()]);
    return { items, total, request: page };
  }

  async get(_actor: Actor, id: number): Promise<UserRow> {
    const user = await this.#users.findById(id);
    if (!user) throw notFound('user');
    return user;
  }

  /** Creates a user; admins only. */
  async create(
    actor: Actor,
    values: { username: string; name?: string; email?: string; password?: string; admin?: boolean },
  ): Promise<UserRow> {
    requireAdmin(actor);
    if (!USERNAME.test(values.username)) {
      throw new GantryError('validation_failed', 'username must be letters, digits, "_", "." or "-"', [
        { path: '/username', message: 'letters, digits, "_", "." or "-", not starting with "." or "-"' },
      ]);
    }
    if (await this.#users.findByUsername(values.username)) conflictOnUsername(values.username);
    return this.#users.create({
      username: values.username,
      name: values.name ?? values.username,
      email: values.email ?? null,
      passwordHash: values.password === undefined ? null : await hashPassword(checkPassword(values.password)),
      isAdmin: values.admin ?? false,
    });
  }

  /** Updates a user: admins may change anyone and the admin flag; others only their own name, email and password. */
  async update(
    actor: Actor,
    id: number,
    values: {
      name?: string;
      email?: string;
      password?: string;
      admin?: boolean;
      state?: 'active' | 'blocked';
    },
  ): Promise<UserRow> {
    requireWrite(actor);
    if (!actor.isAdmin && (actor.userId !== id || values.admin !== undefined || values.state !== undefined)) {
      throw forbidden('only admins may change other users, admin rights or user state');
    }
    if (actor.userId === id && (values.admin === false || values.state === 'blocked')) {
      throw forbidden('you cannot remove your own admin rights or block yourself');
    }
    const updated = await this.#users.update(id, {
      ...(values.name !== undefined && { name: values.name }),
      ...(values.email !== undefined && { email: values.email }),
      ...(values.password !== undefined && {
        passwordHash: await hashPassword(checkPassword(values.password)),
      }),
      ...(values.admin !== undefined && { isAdmin: values.admin }),
      ...(values.state !== undefined && { state: values.state }),
    });
    if (!updated) throw notFound('user');
    return updated;
  }

  async delete(actor: Actor, id: number): Promise<void> {
    requireAdmin(actor);
    if (actor.userId === id) throw forbidden('you cannot delete yourself');
    if (!(await this.#users.delete(id))) throw notFound('user');
  }

  /** Issues a personal access token for a user: themselves, or anyone for an admin. */
  async createToken(
    actor: Actor,
    userId: number,
    values: { name: string; scopes: TokenScope[]; expires_at?: string | null },
  ): Promise<IssuedToken> {
    requireWrite(actor);
    if (!actor.isAdmin && actor.userId !== userId) throw forbidden('you may only create tokens for yourself');
    if (!(await this.#users.findById(userId))) throw notFound('user');
    const expiresAt = values.expires_at ?? null;
    if (expiresAt !== null && expiresAt <= new Date().toISOString().slice(0, 10)) {
      throw new GantryError('validation_failed', 'expires_at must be a future date (YYYY-MM-DD)', [
        { path: '/expires_at', message: 'must be a future date' },
      ]);
    }
    return this.#auth.issueToken({
      userId,
      name: values.name,
      scopes: [...new Set(values.scopes)],
      expiresAt,
    });
  }

  /** Lists tokens: one's own, or for admins anyone's (`userId`) or everybody's. */
  async listTokens(actor: Actor, userId: number | undefined): Promise<AccessTokenRow[]> {
    if (userId !== undefined && userId !== actor.userId && !actor.isAdmin) {
      throw forbidden('you may only list your own tokens');
    }
    if (userId === undefined && actor.isAdmin) return this.#tokens.listAll();
    return this.#tokens.listForUser(userId ?? actor.userId);
  }

  async getToken(actor: Actor, id: number): Promise<AccessTokenRow> {
    const token = await this.#tokens.findById(id);
    if (!token || (token.user_id !== actor.userId && !actor.isAdmin)) throw notFound('personal access token');
    return token;
  }

  async revokeToken(actor: Actor, id: number): Promise<void> {
    requireWrite(actor);
    const token = await this.getToken(actor, id);
    await this.#tokens.revoke(token.id);
  }
}

function requireWrite(actor: Actor): void {
  if (!mayWrite(actor))
    throw forbidden('this token has the read_api scope; changing anything needs the api scope');
}

function requireAdmin(actor: Actor): void {
  if (!actor.isAdmin) throw forbidden('only admins may do this');
  requireWrite(actor);
}

function checkPassword(password: string): string {
  if (password.length < MIN_PASSWORD) {
    throw new GantryError('validation_failed', `password must be at least ${MIN_PASSWORD} characters`, [
      { path: '/password', message: `at least ${MIN_PASSWORD} characters` },
    ]);
  }
  return password;
}

function conflictOnUsername(username: string): never {
  throw conflict(`username ${username} is already taken`);
}
