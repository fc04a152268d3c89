import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { AuthService } from '../services/auth-service.ts';
import type { GitHttpService } from '../services/git-http-service.ts';
import type { MemberService } from '../services/member-service.ts';
import type { MirrorService } from '../services/mirror-service.ts';
import type { ProjectService } from '../services/project-service.ts';
import type { UserService } from '../services/user-service.ts';

/** The Fastify instance type every route module registers on. */
export type GantryApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** What the HTTP layer calls: one service per concern, plus facts for building URLs and probes. */
export interface ApiDeps {
  externalUrl: string;
  bodyLimitBytes: number;
  auth: AuthService;
  users: UserService;
  projects: ProjectService;
  members: MemberService;
  mirrors: MirrorService;
  git: GitHttpService;
  /** Readiness: true when the database answers and the server is not shutting down. */
  ready(): Promise<boolean>;
}
