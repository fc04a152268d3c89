import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { RegistryAccess, RegistryPrincipal } from './registry-access.ts';
import { denied, RegistryError, writeRegistryError } from './registry-error.ts';
import { isRepositoryName, parseRegistryPath, type RegistryPath, repositoryAction } from './registry-path.ts';
import type { RegistryUpstream } from './registry-upstream.ts';

/** What the proxy records about pushes and deletes of tags. */
export interface PushLedger {
  /** A manifest was stored under `reference` (a tag or a digest) in repository `name` of the project. */
  pushed(projectId: number, name: string, reference: string, digest: string | null): Promise<void>;
  /** A manifest was deleted by `reference` (a tag or a digest). */
  deleted(name: string, reference: string): Promise<void>;
}

// Headers that belong to one connection (RFC 9110 §7.6.1), plus `host` and `expect`, which Node sets itself.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'host',
]);

// The client's credentials and cookies are for Gantry; the backend's cookies are not for the client
// (they would be set on Gantry's origin).
const NOT_FORWARDED = new Set([...HOP_BY_HOP, 'authorization', 'cookie']);
const NOT_RETURNED = new Set([...HOP_BY_HOP, 'set-cookie']);

/**
 * Gantry's `/v2/`: an authenticating, streaming reverse proxy in front of the registry backend.
 * Each request is authenticated (Basic), its repository resolved to a project and authorized,
 * then forwarded with bodies streamed both ways (uploads of any size, chunked or not, never held in
 * memory). Successful manifest pushes and deletes are recorded before the client hears of them.
 */
export class RegistryProxy {
  readonly #access: RegistryAccess;
  readonly #upstream: RegistryUpstream | null;
  readonly #ledger: PushLedger;
  readonly #offMessage: string;
  readonly #log: (message: string, error?: unknown) => void;

  constructor(deps: {
    access: RegistryAccess;
    /** The backend; null when the registry is off. */
    upstream: RegistryUpstream | null;
    ledger: PushLedger;
    /** What a client is told while the registry is off. */
    offMessage: string;
    log: (message: string, error?: unknown) => void;
  }) {
    this.#access = deps.access;
    this.#upstream = deps.upstream;
    this.#ledger = deps.ledger;
    this.#offMessage = deps.offMessage;
    this.#log = deps.log;
  }

  /** Answers one request under `/v2/`; never rejects. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.#handle(req, res);
    } catch (error) {
      if (error instanceof RegistryError) {
        // The client may still be sending a body; it is not wanted.
        if (!res.headersSent) writeRegistryError(res, error);
        req.resume();
        return;
      }
      // A client that hung up mid-transfer is no server problem.
      if (!req.destroyed && !res.destroyed) this.#log('registry request failed', error);
      if (!res.headersSent) {
        writeRegistryError(res, new RegistryError(503, 'UNAVAILABLE', 'the registry backend is unavailable'));
      } else {
        res.destroy();
      }
      req.resume();
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://registry');
    const principal = await this.#access.authenticate(req.headers.authorization);
    const path = parseRegistryPath(url.pathname);
    if (path === null)
      throw new RegistryError(404, 'NAME_INVALID', 'not a registry API path, or an invalid repository name');
    const target = await this.#authorize(principal, method, path);
    if (path.kind === 'upload' && url.searchParams.has('from')) await this.#checkMount(principal, url);
    const upstream = this.#upstream;
    if (upstream === null) throw new RegistryError(404, 'UNSUPPORTED', this.#offMessage);
    const hasBody =
      req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    const headers = forwardable(req.headers);
    // Distribution reads upload parameters (`mount`, `from`, `digest`) with Go's FormValue, which
    // also parses a form-encoded or multipart body: such a body could name a `from` Gantry never
    // checked. Upload bodies are blob bytes, so they go as bytes, whatever the client said.
    if (path.kind === 'upload') headers['content-type'] = 'application/octet-stream';
    const response = await upstream.send(
      { method, path: url.pathname + url.search, headers, scope: target.scope },
      hasBody ? req : null,
    );
    const status = response.statusCode ?? 502;
    if (status === 401) {
      // The backend refused Gantry's own credentials: the client's are fine, so no 401 for it.
      response.resume();
      this.#log(`the registry backend ${upstream.description} refused Gantry's credentials (HTTP 401)`);
      throw new RegistryError(503, 'UNAVAILABLE', "the registry backend refused Gantry's credentials");
    }
    if (path.kind === 'manifest' && target.projectId !== null) {
      if (method === 'PUT' && status === 201) {
        const digest = response.headers['docker-content-digest'];
        await this.#ledger.pushed(
          target.projectId,
          path.name,
          path.reference,
          typeof digest === 'string' ? digest : null,
        );
      } else if (method === 'DELETE' && status === 202) {
        await this.#ledger.deleted(path.name, path.reference);
      }
    }
    res.writeHead(status, returnable(response.headers, upstream.origin));
    await pipeline(response, res);
  }

  /**
   * A cross-repository mount (`POST …/blobs/uploads/?mount=<digest>&from=<repository>`) copies a blob
   * the client never uploads: it needs pull access to `from`. Without it the mount is dropped and a
   * plain upload starts, as registries do when a token lacks that scope.
   */
  async #checkMount(principal: RegistryPrincipal, url: URL): Promise<void> {
    const from = url.searchParams.get('from') ?? '';
    const allowed =
      isRepositoryName(from) &&
      (await this.#access.authorize(principal, 'pull', from).then(
        () => true,
        (error: unknown) => (error instanceof RegistryError ? false : Promise.reject(error)),
      ));
    if (allowed) return;
    url.searchParams.delete('mount');
    url.searchParams.delete('from');
  }

  /** The project and token scope of a request, or a RegistryError saying why it is refused. */
  async #authorize(
    principal: RegistryPrincipal,
    method: string,
    path: RegistryPath,
  ): Promise<{ projectId: number | null; scope: string | null }> {
    if (path.kind === 'base') {
      if (method !== 'GET' && method !== 'HEAD') throw unsupported(method);
      return { projectId: null, scope: null };
    }
    if (path.kind === 'catalog') {
      if (method !== 'GET') throw unsupported(method);
      if (!this.#access.mayListCatalog(principal))
        throw denied('only administrators may list every repository');
      return { projectId: null, scope: 'registry:catalog:*' };
    }
    const action = repositoryAction(method, path);
    if (action === null) throw unsupported(method);
    const project = await this.#access.authorize(principal, action, path.name);
    const actions = action === 'pull' ? 'pull' : action === 'push' ? 'pull,push' : 'delete';
    return { projectId: project.id, scope: `repository:${path.name}:${actions}` };
  }
}

function unsupported(method: string): RegistryError {
  return new RegistryError(405, 'UNSUPPORTED', `${method} is not supported on this registry path`);
}

/** The client's request headers for the backend: no hop-by-hop ones, credentials or cookies. */
export function forwardable(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return without(headers, NOT_FORWARDED);
}

/**
 * The backend's response headers for the client: hop-by-hop ones and cookies dropped, and a
 * `Location` on the backend's own origin made relative, so the client's next request (an upload's
 * PATCH) comes through Gantry again.
 */
export function returnable(headers: IncomingHttpHeaders, origin: string | null): OutgoingHttpHeaders {
  const out = without(headers, NOT_RETURNED);
  const location = headers.location;
  if (origin !== null && typeof location === 'string' && location.startsWith(`${origin}/`)) {
    out.location = location.slice(origin.length);
  }
  return out;
}

function without(headers: IncomingHttpHeaders, dropped: ReadonlySet<string>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !dropped.has(name)) out[name] = value;
  }
  return out;
}
