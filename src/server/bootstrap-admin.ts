import { randomBytes } from 'node:crypto';
import { hashPassword } from '../auth/password-hash.ts';
import type { AuthService } from '../services/auth-service.ts';
import type { UserRepository, UserRow } from '../store/repositories/user-repository.ts';

/**
 * On first start (no users at all) creates the `admin` user. With an initial token it registers
 * that token (scope `api`) and sets no password; otherwise it generates a password and hands it
 * to `announce` exactly once: it is never stored or logged in clear.
 */
export async function bootstrapAdmin(deps: {
  users: UserRepository;
  auth: AuthService;
  initialAdminToken: string | undefined;
  announce: (message: string) => void;
}): Promise<UserRow | undefined> {
  if ((await deps.users.count()) > 0) return undefined;
  const password = deps.initialAdminToken === undefined ? randomBytes(12).toString('base64url') : undefined;
  const admin = await deps.users.create({
    username: 'admin',
    name: 'Administrator',
    email: null,
    passwordHash: password === undefined ? null : await hashPassword(password),
    isAdmin: true,
  });
  if (deps.initialAdminToken !== undefined) {
    await deps.auth.issueToken({
      userId: admin.id,
      name: 'initial admin token',
      scopes: ['api'],
      expiresAt: null,
      token: deps.initialAdminToken,
    });
    deps.announce('Created user "admin" with the token from GANTRY_INITIAL_ADMIN_TOKEN.');
  } else {
    deps.announce(
      `Created user "admin" with password: ${password}\n(shown once; change it with PUT /api/v1/users/${admin.id})`,
    );
  }
  return admin;
}
