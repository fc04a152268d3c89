import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Actor } from '../domain/actor.ts';
import { GantryError } from '../domain/errors.ts';
import { type GitHttpPath, pathInfoSuffix, runHttpBackend } from '../git/http-backend.ts';
import { parsePushReport } from '../git/push-hook.ts';
import type { AuthService } from './auth-service.ts';
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
  readonly #access: ProjectAccess;
  readonly #storage: RepositoryStorage;
  readonly #recorder: PushRecorder;
  readonly #hooksDir: string;
  readonly #scratchDir: string;
  readonly #log: (line: string) => void;

  constructor(deps: {
    auth: AuthService;
    access: ProjectAccess;
    storage: RepositoryStorage;
    recorder: PushRecorder;
    hooksDir: string;
    /** A private directory for per-push report files. */
    scratchDir: string;
    log: (line: string) => void;
  }) {
    this.#auth = deps.auth;
    this.#access = deps.access;
    this.#storage = deps.storage;
    this.#recorder = deps.recorder;
    this.#hooksDir = deps.hooksDir;
    this.#scratchDir = deps.scratchDir;
    this.#log = deps.log;
  }

  /** Authorizes and serves one git request; failures are answered as plain text git can show. */
  async serve(req: IncomingMessage, res: ServerResponse, path: GitHttpPath): Promise<void> {
    let actor: Actor;
    let projectId: number;
    const pushing = path.service === 'git-receive-pack';
    try {
      actor = await this.#authenticate(req.headers.authorization);
      const project = await this.#access.require(actor, path.repoPath, pushing ? 'push' : 'fetch');
      if (pushing && project.mirror_url !== null) {
        throw new GantryError('forbidden', `${project.path} mirrors ${project.mirror_url} and is read-only`);
      }
      projectId = project.id;
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
        remoteUser: actor.username,
        hooksDir: this.#hooksDir,
        ...(report !== undefined && {
          pushReportFile: report,
          beforeEnd: async () => {
            const text = await readFile(report, 'utf8').catch(() => '');
            await this.#recorder.record(projectId, actor.userId, parsePushReport(text));
          },
        }),
        log: this.#log,
      });
    } finally {
      if (report !== undefined) await rm(report, { force: true });
    }
  }

  async #authenticate(header: string | undefined): Promise<Actor> {
    const encoded = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '')?.[1];
    if (encoded === undefined)
      throw new GantryError('unauthorized', 'git over HTTP needs a username and token');
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new GantryError('unauthorized', 'malformed Basic credentials');
    return this.#auth.authenticateBasic(decoded.slice(0, colon), decoded.slice(colon + 1));
  }
}

function answer(res: ServerResponse, error: GantryError): void {
  const status = error.code === 'unauthorized' ? 401 : error.code === 'forbidden' ? 403 : 404;
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  // Only a missing or wrong credential asks git for (other) credentials; a 403 must not re-prompt.
  if (status === 401) headers['www-authenticate'] = 'Basic realm="Gantry", charset="UTF-8"';
  res.writeHead(status, headers);
  res.end(`${error.message}\n`);
}
