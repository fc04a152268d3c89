import { createUserWithToken, type TestServer } from './test-server.ts';

// The vocabulary of the authorization table (test/api/authorization.test.ts): roles, what a rule
// says, and the usual role lists. Rule groups for newer areas live in test/api/authorization-*.ts.

export const ROLES = [
  'anonymous',
  'expired',
  'revoked',
  'read_api',
  'outsider',
  'reporter',
  'developer',
  'maintainer',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

export interface Fixture {
  t: TestServer;
  tokens: Record<Role, string | null>;
  users: Record<Role, number>;
  /** A fresh project with reporter, developer and maintainer members (a mirror when asked). */
  project(options?: { mirror?: boolean }): Promise<number>;
  /** A fresh project with a pipeline of one manual job (nothing runs: the server has no runner). */
  pipeline(options?: {
    canceled?: boolean;
  }): Promise<{ projectId: number; pipelineId: number; jobId: number }>;
}

export interface Call {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send credentials as git does (HTTP Basic) instead of a bearer token. */
  basic?: boolean;
  /** The answer is a stream that stays open (Server-Sent Events): read its status, then hang up. */
  stream?: boolean;
}

export type Expectation = 'ok' | 401 | 403 | 404 | 409;

export interface RouteRule {
  /** Roles that succeed; others get the status `denied` gives them. */
  allowed: readonly Role[];
  call(f: Fixture, role: Role): Promise<Call>;
  /** What every role not allowed gets, when it is the same for all (routes with their own credentials). */
  deniedStatus?: Expectation;
  /** What allowed roles get when the fixture cannot make the call succeed (it still proves they got past authorization). */
  allowedStatus?: Expectation;
}

export const AUTHENTICATED: readonly Role[] = [
  'read_api',
  'outsider',
  'reporter',
  'developer',
  'maintainer',
  'admin',
];
export const WRITERS: readonly Role[] = ['outsider', 'reporter', 'developer', 'maintainer', 'admin'];
export const EVERYONE_VALID: readonly Role[] = ['anonymous', ...AUTHENTICATED];
/** Probes for load balancers ignore credentials entirely. */
export const ANYONE: readonly Role[] = ROLES;

/** What a role that is not allowed gets: bad credentials 401, outsiders cannot see projects (404), others 403. */
export function denied(role: Role, projectScoped: boolean): Expectation {
  if (role === 'anonymous' || role === 'expired' || role === 'revoked') return 401;
  if (role === 'outsider' && projectScoped) return 404;
  return 403;
}

export const READERS: readonly Role[] = ['read_api', 'reporter', 'developer', 'maintainer', 'admin'];
export const DEVELOPERS: readonly Role[] = ['developer', 'maintainer', 'admin'];

export const freshUser = async (f: Fixture): Promise<number> =>
  (await createUserWithToken(f.t, `victim${Math.random().toString(36).slice(2, 10)}`)).id;

export type Rules = Record<string, RouteRule & { projectScoped?: boolean }>;
