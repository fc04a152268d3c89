import type { UserSummary } from '../api/pipeline-types.ts';
import { useApi } from '../api/use-api.ts';

/** A user's name by id (`GET /users/:id`), or what stands in for nobody (a push by a token, a schedule). */
export function UserName({ id, nobody = '—' }: { id: number | null; nobody?: string }) {
  const user = useApi<UserSummary>(id === null ? null : `/users/${id}`);
  if (id === null) return <span className="muted">{nobody}</span>;
  if (!user.data) return <span className="muted">{user.error ? `user ${id}` : '…'}</span>;
  return <span title={`@${user.data.username}`}>{user.data.name || user.data.username}</span>;
}
