import { api } from '../api/api-client.ts';
import type { User } from '../api/types.ts';

/**
 * The id of the user named `username` (a leading `@` is allowed), found with `GET /users?username=`.
 * @throws Error naming the user when there is none, shown in the form that asked.
 */
export async function userIdByUsername(username: string): Promise<number> {
  const name = username.trim().replace(/^@/, '');
  const [user] = await api<User[]>(`/users?username=${encodeURIComponent(name)}`);
  if (!user) throw new Error(`No user is named "${name}".`);
  return user.id;
}
