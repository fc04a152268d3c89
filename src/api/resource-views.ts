import { Type } from 'typebox';
import { roleOfLevel } from '../domain/project-role.ts';
import type { PushEvent } from '../events/event-bus.ts';
import type { AccessTokenRow } from '../store/repositories/access-token-repository.ts';
import type { MemberWithUser } from '../store/repositories/member-repository.ts';
import type { ProjectRow } from '../store/repositories/project-repository.ts';
import type { UserRow } from '../store/repositories/user-repository.ts';

// Each resource's JSON shape (field names after GitLab's API v4) and the function producing it.
// Response schemas double as the OpenAPI document and as Fastify's fast serializers, which also
// guarantee no field outside the schema (a hash, an encrypted secret) can ever leak.

const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const UserView = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  name: Type.String(),
  email: Nullable(Type.String()),
  is_admin: Type.Boolean(),
  state: Type.String(),
  created_at: Timestamp,
});

export const userView = (user: UserRow) => ({
  id: user.id,
  username: user.username,
  name: user.name,
  email: user.email,
  is_admin: user.is_admin === 1,
  state: user.state,
  created_at: user.created_at,
});

export const TokenView = Type.Object({
  id: Type.Integer(),
  user_id: Type.Integer(),
  name: Type.String(),
  scopes: Type.Array(Type.String()),
  token_prefix: Type.String(),
  active: Type.Boolean(),
  revoked: Type.Boolean(),
  expires_at: Nullable(Type.String()),
  last_used_at: Nullable(Timestamp),
  created_at: Timestamp,
});

export const tokenView = (token: AccessTokenRow, today = new Date().toISOString().slice(0, 10)) => ({
  id: token.id,
  user_id: token.user_id,
  name: token.name,
  scopes: token.scopes.split(','),
  token_prefix: token.token_prefix,
  active: token.revoked === 0 && (token.expires_at === null || token.expires_at > today),
  revoked: token.revoked === 1,
  expires_at: token.expires_at,
  last_used_at: token.last_used_at,
  created_at: token.created_at,
});

export const ProjectView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  path: Type.String(),
  path_with_namespace: Type.String(),
  description: Type.String(),
  default_branch: Type.String(),
  http_url_to_repo: Type.String(),
  web_url: Type.String(),
  mirror: Type.Boolean(),
  mirror_url: Nullable(Type.String()),
  mirror_last_fetched_at: Nullable(Timestamp),
  mirror_last_error: Nullable(Type.String()),
  prevent_outdated_deployment_jobs: Type.Boolean(),
  shell_access: Type.Union([Type.Literal('maintainer'), Type.Literal('developer')], {
    description: 'the least role that may open a shell into an environment',
  }),
  created_at: Timestamp,
  last_activity_at: Timestamp,
});

export const projectView = (project: ProjectRow, externalUrl: string) => ({
  id: project.id,
  name: project.name,
  path: project.path.split('/').at(-1)!,
  path_with_namespace: project.path,
  description: project.description,
  default_branch: project.default_branch,
  http_url_to_repo: `${externalUrl}/${project.path}.git`,
  web_url: `${externalUrl}/${project.path}`,
  mirror: project.mirror_url !== null,
  mirror_url: project.mirror_url,
  mirror_last_fetched_at: project.mirror_last_fetched_at,
  prevent_outdated_deployment_jobs: project.prevent_outdated_deployments === 1,
  shell_access: project.shell_access === 'developer' ? ('developer' as const) : ('maintainer' as const),
  mirror_last_error: project.mirror_last_error,
  created_at: project.created_at,
  last_activity_at: project.last_activity_at,
});

export const MemberView = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  name: Type.String(),
  state: Type.String(),
  access_level: Type.Integer(),
  role: Type.String(),
  created_at: Timestamp,
});

export const memberView = (member: MemberWithUser) => ({
  id: member.user.id,
  username: member.user.username,
  name: member.user.name,
  state: member.user.state,
  access_level: member.access_level,
  role: roleOfLevel(member.access_level) ?? 'unknown',
  created_at: member.created_at,
});

export const PushEventView = Type.Object({
  id: Type.Integer(),
  project_id: Type.Integer(),
  action_name: Type.Literal('pushed'),
  ref: Type.String(),
  before: Type.String(),
  after: Type.String(),
  author_id: Type.Union([Type.Integer(), Type.Null()]),
  created_at: Timestamp,
});

export const pushEventView = (event: PushEvent) => ({
  id: event.id,
  project_id: event.projectId,
  action_name: 'pushed' as const,
  ref: event.ref,
  before: event.before,
  after: event.after,
  author_id: event.userId,
  created_at: event.createdAt,
});

export const ErrorView = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
  }),
});
