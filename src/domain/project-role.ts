/** Project roles, with GitLab's access levels so API clients written for GitLab read them unchanged. */
export const ACCESS_LEVEL = { reporter: 20, developer: 30, maintainer: 40 } as const;

export type ProjectRole = keyof typeof ACCESS_LEVEL;
export type AccessLevel = (typeof ACCESS_LEVEL)[ProjectRole];

/** What someone may do in a project; each action needs at least one role. */
export const REQUIRED_ROLE = {
  read: 'reporter',
  fetch: 'reporter',
  push: 'developer',
  manageMembers: 'maintainer',
  manageProject: 'maintainer',
  deleteProject: 'maintainer',
} as const satisfies Record<string, ProjectRole>;

export type ProjectAction = keyof typeof REQUIRED_ROLE;

/** The role whose access level is `level`, or undefined for a level Gantry does not define. */
export function roleOfLevel(level: number): ProjectRole | undefined {
  return (Object.keys(ACCESS_LEVEL) as ProjectRole[]).find((role) => ACCESS_LEVEL[role] === level);
}

/**
 * Decides whether a user may perform an action in a project. Admins may do everything; others need
 * a membership at or above the action's role. Pure: callers look the membership up.
 */
export function mayPerform(
  action: ProjectAction,
  who: { isAdmin: boolean; accessLevel: number | null },
): boolean {
  if (who.isAdmin) return true;
  if (who.accessLevel === null) return false;
  return who.accessLevel >= ACCESS_LEVEL[REQUIRED_ROLE[action]];
}
