/** Project roles by GitLab access level, as the API sends them (`access_level`). */
export const ACCESS_LEVEL = { reporter: 20, developer: 30, maintainer: 40 } as const;

export type ProjectRole = keyof typeof ACCESS_LEVEL;

/** The roles a member can be given, lowest first, for role pickers. */
export const ROLE_CHOICES: readonly { level: number; label: string }[] = [
  { level: ACCESS_LEVEL.reporter, label: 'Reporter' },
  { level: ACCESS_LEVEL.developer, label: 'Developer' },
  { level: ACCESS_LEVEL.maintainer, label: 'Maintainer' },
];

/** `Maintainer` for 40; an unknown level is named by its number. */
export function roleLabel(level: number): string {
  return ROLE_CHOICES.find((choice) => choice.level === level)?.label ?? `Level ${level}`;
}

/**
 * Whether someone with `level` (undefined: not known yet, or not a member) holds `role` or a higher
 * one. The UI only hides what the API would refuse anyway, so unknown means no.
 */
export function atLeast(level: number | undefined, role: ProjectRole): boolean {
  return level !== undefined && level >= ACCESS_LEVEL[role];
}

/** A grant of a protected environment as the API takes it: exactly one of the two fields. */
export type GrantInput = { access_level: number } | { user_id: number };

/**
 * The grant list for "this role and above, plus these users" (`level` null: users only). The API
 * reads an empty deploy list as "maintainers".
 */
export function grantsOf(level: number | null, userIds: readonly number[]): GrantInput[] {
  return [
    ...(level === null ? [] : [{ access_level: level }]),
    ...[...new Set(userIds)].map((user_id) => ({ user_id })),
  ];
}
