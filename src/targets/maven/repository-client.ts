import { GantryError } from '../../domain/errors.ts';

/** Where artifacts are published: a Maven repository's base URL and the account allowed to write to it. */
export interface MavenRepository {
  /** `https://repo.example.com/releases/` (a trailing slash is optional). */
  url: string;
  /** Null for a repository that takes anonymous writes. */
  username: string | null;
  password: string | null;
}

/** A request body: bytes in memory or a file opened as a Blob (`fs.openAsBlob`), streamed by fetch. */
export type RepositoryBody = Uint8Array<ArrayBuffer> | Blob;

/**
 * The HTTP requests Maven's deploy makes, against one repository: GET to read metadata, PUT to store a
 * file, DELETE for the connectivity check. Paths are relative to the repository's URL. Every failure is
 * a GantryError `unavailable` whose message names the request and says what to fix.
 */
export class RepositoryClient {
  readonly baseUrl: string;
  readonly #authorization: string | null;
  readonly #username: string | null;

  constructor(repository: MavenRepository) {
    this.baseUrl = repository.url.endsWith('/') ? repository.url : `${repository.url}/`;
    this.#username = repository.username;
    this.#authorization =
      repository.username === null
        ? null
        : `Basic ${Buffer.from(`${repository.username}:${repository.password ?? ''}`).toString('base64')}`;
  }

  /** The file at `path`, or null when the repository has none (404). */
  async get(path: string, signal: AbortSignal): Promise<Uint8Array | null> {
    const response = await this.#request('GET', path, signal);
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    await this.#ensureOk('GET', path, response);
    return new Uint8Array(await response.arrayBuffer());
  }

  /** Stores `body` at `path`, replacing what is there. */
  async put(path: string, body: RepositoryBody, signal: AbortSignal): Promise<void> {
    const response = await this.#request('PUT', path, signal, body);
    await this.#ensureOk('PUT', path, response);
    await response.body?.cancel();
  }

  /** Removes the file at `path`; a missing file is not an error. */
  async delete(path: string, signal: AbortSignal): Promise<void> {
    const response = await this.#request('DELETE', path, signal);
    if (response.status !== 404) await this.#ensureOk('DELETE', path, response);
    await response.body?.cancel();
  }

  async #request(
    method: string,
    path: string,
    signal: AbortSignal,
    body?: RepositoryBody,
  ): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.#authorization !== null) headers.authorization = this.#authorization;
    if (body !== undefined) headers['content-type'] = 'application/octet-stream';
    try {
      // A redirect would send credentials and the body on to wherever it points: refuse to follow it.
      return await fetch(new URL(path, this.baseUrl), { method, headers, body, signal, redirect: 'manual' });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      throw new GantryError(
        'unavailable',
        `Maven repository ${this.baseUrl} is unreachable (${method} ${path}): ${cause}`,
      );
    }
  }

  async #ensureOk(method: string, path: string, response: Response): Promise<void> {
    if (response.ok) return;
    const text = (await response.text().catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, 200);
    const request = `${method} ${this.baseUrl}${path}`;
    const who = this.#username === null ? 'anonymous requests' : `user "${this.#username}"`;
    const reasons: Record<number, string> = {
      401: `the repository refused the credentials of ${who}: check the username and password`,
      403: `${who} may not ${method === 'GET' ? 'read' : 'write'} this path: check the account's permissions on the repository`,
      405: 'the server does not accept this method here: is the URL a Maven repository that allows deploys?',
    };
    const location = response.headers.get('location');
    const reason =
      reasons[response.status] ??
      (response.status >= 300 && response.status < 400
        ? `the server redirects to ${location ?? '(no location)'}: use that URL as the repository URL`
        : `unexpected answer${text ? `: ${text}` : ''}`);
    throw new GantryError('unavailable', `${request} failed with HTTP ${response.status}: ${reason}`);
  }
}
