/** Scopes a personal access token may carry, as GitLab names them. */
export const TOKEN_SCOPES = ['api', 'read_api'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Who is making a request, once authenticated, and what their credential allows. */
export interface Actor {
  userId: number;
  username: string;
  isAdmin: boolean;
  /** `api` may read and write; `read_api` may only read (GET, and git fetch). Sessions carry `api`. */
  scopes: readonly TokenScope[];
}

/** Whether the actor's credential allows changing anything (as opposed to reading). */
export function mayWrite(actor: Actor): boolean {
  return actor.scopes.includes('api');
}
