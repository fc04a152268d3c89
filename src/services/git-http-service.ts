import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { GantryError } from '../domain/errors.ts';
import { type GitHttpPath, pathInfoSuffix, runHttpBackend } from '../git/http-backend.ts';
import { parsePushReport } from '../git/push-hook.ts';
import { JOB_TOKEN_PREFIX } from '../scheduler/job-dispatcher.ts';
import type { JobRow } from '../store/repositories/job-repository.ts';
import type { AuthService } from './auth-service.ts';

/** The username git clients send with a job token (GitLab's). */
const JOB_TOKEN_USER = 'gitlab-ci-token';

/** Turns a job token into its running job (see JobService). */
export interface JobTokenAuthenticator {
  authenticateJobToken(token: string): Promise<JobRow>;
}

import type { ProjectAccess } from './project-access.ts';
import type { PushRecorder } from './push-recorder.ts';
import type { RepositoryStorage } from './repository-storage.ts';

/**
 * Git over smart HTTP: authenticates Basic credentials (username + token or password), checks the
 * role (reporters fetch, developers push), runs `git http-backend`, and records each ref a push
 * updated as a push event once git has finished with the request.
 */
export class GitHttpService {
  readonly #auth: AuthService;
  readonly #jobTokens: JobTokenAuthenticator;
  readonly #access: ProjectAccess;
  readonly #storage: RepositoryStorage;
  readonly #recorder: PushRecorder;
  readonly #hooksDir: string;
  readonly #scratchDir: string;
  readonly #log: (line: string) => void;

  constructor(deps: {
    auth: AuthService;
    jobTokens: JobTokenAuthenticator;
    access: ProjectAccess;
    storage: RepositoryStorage;
    recorder: PushRecorder;
    hooksDir: string;
    /** A private directory for per-push report files. */
    scratchDir: string;
    log: (line: string) => void;
  }) {
    this.#auth = deps.auth;
    this.#jobTokens = deps.jobTokens;
    this.#access = deps.access;
    this.#storage = deps.storage;
    this.#recorder = deps.recorder;
    this.#hooksDir = deps.hooksDir;
    this.#scratchDir = deps.scratchDir;
    this.#log = deps.log;
  }

  /** Authorizes and serves one git request; failures are answered as plain text git can show. */
  async serve(req: IncomingMessage, res: ServerResponse, path: GitHttpPath): Promise<void> {
    let remoteUser: string;
    let userId: number | null;
    let projectId: number;
    const pushing = path.service === 'git-receive-pack';
    try {
      const credentials = parseBasic(req.headers.authorization);
      if (credentials.username === JOB_TOKEN_USER || credentials.secret.startsWith(JOB_TOKEN_PREFIX)) {
        // A job token fetches its own project's repository, nothing else, and never pushes.
        const job = await this.#jobTokens.authenticateJobToken(credentials.secret);
        const project = await this.#access.find(path.repoPath);
        if (!project || project.id !== job.project_id)
          throw new GantryError('not_found', 'project not found');
        if (pushing) throw new GantryError('forbidden', 'job tokens cannot push');
        remoteUser = `${JOB_TOKEN_USER}/job-${job.id}`;
        userId = null;
        projectId = project.id;
      } else {
        const actor = await this.#auth.authenticateBasic(credentials.username, credentials.secret);
        const project = await this.#access.require(actor, path.repoPath, pushing ? 'push' : 'fetch');
        if (pushing && project.mirror_url !== null) {
          throw new GantryError(
            'forbidden',
            `${project.path} mirrors ${project.mirror_url} and is read-only`,
          );
        }
        remoteUser = actor.username;
        userId = actor.userId;
        projectId = project.id;
      }
    } catch (error) {
      if (!(error instanceof GantryError)) throw error;
      return answer(res, error);
    }
    const report =
      pushing && path.endpoint === 'rpc'
        ? join(this.#scratchDir, `push-${randomBytes(8).toString('hex')}`)
        : undefined;
    try {
      await runHttpBackend({
        req,
        res,
        repositoryDir: this.#storage.pathOf(projectId),
        pathInfoSuffix: pathInfoSuffix(path),
        remoteUser,
        hooksDir: this.#hooksDir,
        ...(report !== undefined && {
          pushReportFile: report,
          beforeEnd: async () => {
            const text = await readFile(report, 'utf8').catch(() => '');
            await this.#recorder.record(projectId, userId, parsePushReport(text));
          },
        }),
        log: this.#log,
      });
    } finally {
      if (report !== undefined) await rm(report, { force: true });
    }
  }
}

/** The username and secret of HTTP Basic credentials. */
function parseBasic(header: string | undefined): { username: string; secret: string } {
  const encoded = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '')?.[1];
  if (encoded === undefined)
    throw new GantryError('unauthorized', 'git over HTTP needs a username and token');
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new GantryError('unauthorized', 'malformed Basic credentials');
  return { username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function answer(res: ServerResponse, error: GantryError): void {
  const status = error.code === 'unauthorized' ? 401 : error.code === 'forbidden' ? 403 : 404;
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  // Only a missing or wrong credential asks git for (other) credentials; a 403 must not re-prompt.
  if (status === 401) headers['www-authenticate'] = 'Basic realm="Gantry", charset="UTF-8"';
  res.writeHead(status, headers);
  res.end(`${error.message}\n`);
}
