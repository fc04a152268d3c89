import type { UserSummary } from '../api/pipeline-types.ts';
import { useApi } from '../api/use-api.ts';

/**
 * A user the API put in a resource (a deployment's `user`, a release's `author`): the name, the
 * username on hover; `nobody` stands in for none, such as Gantry starting a deployment by itself.
 */
export function UserLabel({
  user,
  nobody = 'Gantry',
}: {
  user: UserSummary | null | undefined;
  nobody?: string;
}) {
  if (!user) return <span className="muted">{nobody}</span>;
  return <span title={`@${user.username}`}>{user.name || user.username}</span>;
}

/** A user known only by id (`GET /users/:id`), shown as {@link UserLabel}; `nobody` for a null id. */
export function UserName({ id, nobody = '—' }: { id: number | null; nobody?: string }) {
  const user = useApi<UserSummary>(id === null ? null : `/users/${id}`);
  if (id !== null && !user.data) return <span className="muted">{user.error ? `user ${id}` : '…'}</span>;
  return <UserLabel user={user.data} nobody={nobody} />;
}
