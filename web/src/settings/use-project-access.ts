import type { Member } from '../api/settings-types.ts';
import { useApi } from '../api/use-api.ts';
import { ACCESS_LEVEL } from '../lib/access-level.ts';
import { useProject } from '../project-context.tsx';
import { useCurrentUser } from '../session.tsx';

/**
 * The current user's access level in the project of the page (`undefined` while loading):
 * their membership's, or maintainer for admins, whom the API lets do what maintainers do.
 */
export function useProjectAccess(): { level: number | undefined; loading: boolean } {
  const user = useCurrentUser();
  const { api } = useProject();
  const member = useApi<Member>(user.is_admin ? null : `${api}/members/${user.id}`);
  if (user.is_admin) return { level: ACCESS_LEVEL.maintainer, loading: false };
  return { level: member.data?.access_level, loading: member.loading };
}
