import { generateToken, hashToken, TOKEN_PREFIX, tokenDisplayPrefix } from '../auth/access-token.ts';
import { verifyPassword } from '../auth/password-hash.ts';
import type { Actor, TokenScope } from '../domain/actor.ts';
import { GantryError } from '../domain/errors.ts';
import type { AccessTokenRepository, AccessTokenRow } from '../store/repositories/access-token-repository.ts';
import type { SessionRepository } from '../store/repositories/session-repository.ts';
import type { UserRepository, UserRow } from '../store/repositories/user-repository.ts';

const SESSION_LIFETIME_MS = 7 * 24 * 3600 * 1000;
// Writing last_used_at on every request would turn reads into writes; once a minute is enough to audit.
const TOKEN_TOUCH_INTERVAL_MS = 60_000;

/** Why a credential was refused; the message never says which part (user or password) was wrong. */
const unauthorized = (message = 'invalid or missing credentials') => new GantryError('unauthorized', message);

export interface IssuedToken {
  token: string;
  row: AccessTokenRow;
}

/**
 * Turns credentials into an {@link Actor}: personal access tokens (API, git), session tokens (the
 * web UI's cookie) and username + password (sign-in, git over HTTP). Only hashes are stored.
 */
export class AuthService {
  readonly #users: UserRepository;
  readonly #tokens: AccessTokenRepository;
  readonly #sessions: SessionRepository;
  readonly #now: () => Date;

  constructor(deps: {
    users: UserRepository;
    tokens: AccessTokenRepository;
    sessions: SessionRepository;
    now?: () => Date;
  }) {
    this.#users = deps.users;
    this.#tokens = deps.tokens;
    this.#sessions = deps.sessions;
    this.#now = deps.now ?? (() => new Date());
  }

  /** Authenticates a personal access token; refuses unknown, revoked and expired tokens and blocked users. */
  async authenticateToken(token: string): Promise<Actor> {
    const found = await this.#tokens.findWithUserByHash(hashToken(token));
    if (!found) throw unauthorized();
    const { token: row, user } = found;
    if (row.revoked) throw unauthorized('token has been revoked');
    const now = this.#now();
    if (row.expires_at !== null && row.expires_at <= now.toISOString().slice(0, 10)) {
      throw unauthorized('token has expired');
    }
    this.#assertActive(user);
    if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > TOKEN_TOUCH_INTERVAL_MS) {
      await this.#tokens.touch(row.id, now.toISOString());
    }
    return actorOf(user, row.scopes.split(',') as TokenScope[]);
  }

  /** Authenticates a browser session token from the session cookie. */
  async authenticateSession(token: string): Promise<Actor> {
    const found = await this.#sessions.findWithUserByHash(hashToken(token));
    if (!found || found.session.expires_at <= this.#now().toISOString())
      throw unauthorized('session has expired');
    this.#assertActive(found.user);
    return actorOf(found.user, ['api']);
  }

  /** Checks a username and password; the same error whether the user or the password was wrong. */
  async authenticatePassword(username: string, password: string): Promise<Actor> {
    const user = await this.#users.findByUsername(username);
    // Hash even for unknown users so response time does not reveal which usernames exist.
    const stored =
      user?.password_hash ??
      'scrypt$32768$8$3$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
    const ok = await verifyPassword(password, stored);
    if (!user?.password_hash || !ok) throw unauthorized('invalid username or password');
    this.#assertActive(user);
    return actorOf(user, ['api']);
  }

  /**
   * Authenticates git-over-HTTP Basic credentials: the password field may hold a personal access
   * token (any username, as GitLab allows) or the user's password. The token is tried first: its
   * lookup is one indexed query, while a password check costs a deliberately slow scrypt.
   */
  async authenticateBasic(username: string, secret: string): Promise<Actor> {
    try {
      return await this.authenticateToken(secret);
    } catch (tokenError) {
      if (secret.startsWith(TOKEN_PREFIX.personal)) throw tokenError;
      return this.authenticatePassword(username, secret);
    }
  }

  /** Signs a user in and returns the new session token (for the cookie) and its expiry. */
  async createSession(userId: number): Promise<{ token: string; expiresAt: string }> {
    const token = generateToken(TOKEN_PREFIX.session);
    const expiresAt = new Date(this.#now().getTime() + SESSION_LIFETIME_MS).toISOString();
    await this.#sessions.deleteExpired(this.#now().toISOString());
    await this.#sessions.create({ userId, tokenHash: hashToken(token), expiresAt });
    return { token, expiresAt };
  }

  async endSession(token: string): Promise<void> {
    await this.#sessions.deleteByHash(hashToken(token));
  }

  /** Issues a personal access token; `token` is shown to the user once and never stored. */
  async issueToken(values: {
    userId: number;
    name: string;
    scopes: TokenScope[];
    expiresAt: string | null;
    token?: string;
  }): Promise<IssuedToken> {
    const token = values.token ?? generateToken(TOKEN_PREFIX.personal);
    const row = await this.#tokens.create({
      userId: values.userId,
      name: values.name,
      tokenHash: hashToken(token),
      tokenPrefix: tokenDisplayPrefix(token),
      scopes: values.scopes,
      expiresAt: values.expiresAt,
    });
    return { token, row };
  }

  #assertActive(user: UserRow): void {
    if (user.state !== 'active') throw unauthorized(`user ${user.username} is ${user.state}`);
  }
}

function actorOf(user: UserRow, scopes: TokenScope[]): Actor {
  return { userId: user.id, username: user.username, isAdmin: user.is_admin === 1, scopes };
}
