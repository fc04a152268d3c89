import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../domain/actor.ts';
import { GantryError } from '../domain/errors.ts';
import type { AuthService } from '../services/auth-service.ts';

export const SESSION_COOKIE = 'gantry_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated user, or null for anonymous requests to public routes. */
    actor: Actor | null;
    /** How the actor was authenticated: a token header, the session cookie, or not at all. */
    authMethod: 'token' | 'session' | null;
  }
  interface FastifyContextConfig {
    /** Routes reachable without credentials (health checks, sign-in, signed webhooks). */
    public?: boolean;
    /** Routes that check credentials of their own kind (runner tokens): the hook leaves the request alone. */
    ownAuthentication?: boolean;
  }
}

/** Reads a cookie's value from a Cookie header without a dependency. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/**
 * Authenticates every API request from `Authorization: Bearer`, `PRIVATE-TOKEN` or the session
 * cookie, then refuses anonymous requests to non-public routes and writes with read-only tokens.
 * Session-cookie writes must come from the server's own origin (CSRF), which the cookie's
 * SameSite=Strict already ensures in browsers that honour it; the Origin check covers the rest.
 */
export function authenticationHook(auth: AuthService, externalOrigin: string) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    request.actor = null;
    request.authMethod = null;
    if (request.routeOptions.config.ownAuthentication === true) return;
    const { token, session } = credentialsOf(request);
    const isPublic = request.routeOptions.config.public === true;
    if (token !== undefined) {
      request.actor = await auth.authenticateToken(token);
      request.authMethod = 'token';
    } else if (session !== undefined) {
      try {
        request.actor = await auth.authenticateSession(session);
        request.authMethod = 'session';
      } catch (error) {
        if (!isPublic) throw error;
      }
      const origin = request.headers.origin;
      if (request.actor && !isSafe(request.method) && origin !== undefined && origin !== externalOrigin) {
        throw new GantryError('forbidden', `cross-origin request from ${origin} refused`);
      }
    }
    if (isPublic) return;
    if (!request.actor)
      throw new GantryError('unauthorized', 'authentication required: send a token or sign in');
    if (!isSafe(request.method) && !request.actor.scopes.includes('api')) {
      throw new GantryError(
        'forbidden',
        'this token has the read_api scope; changing anything needs the api scope',
      );
    }
  };
}

/** The token (`Authorization: Bearer`, `PRIVATE-TOKEN`) and session cookie a request carries. */
function credentialsOf(request: FastifyRequest): { token?: string; session?: string } {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const privateToken = request.headers['private-token'];
  const token = bearer ?? (typeof privateToken === 'string' ? privateToken : undefined);
  const session = readCookie(request.headers.cookie, SESSION_COOKIE);
  return { ...(token !== undefined && { token }), ...(session !== undefined && { session }) };
}

/**
 * Authenticates an authenticated request's credentials again, as they are now: a long-lived
 * connection (a shell, a followed log) ends once its token or session has been revoked or expired.
 * @throws GantryError('unauthorized') once they no longer authenticate.
 */
export function reauthenticator(auth: AuthService, request: FastifyRequest): () => Promise<Actor> {
  const { token, session } = credentialsOf(request);
  return async () => {
    if (request.authMethod === 'token' && token !== undefined) return auth.authenticateToken(token);
    if (request.authMethod === 'session' && session !== undefined) return auth.authenticateSession(session);
    throw new GantryError('unauthorized', 'the credentials of this connection no longer authenticate');
  };
}

function isSafe(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}
