import type { ChildProcess } from 'node:child_process';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { basename, dirname, isAbsolute } from 'node:path';
import { validateProjectPath } from '../domain/project-path.ts';
import { PUSH_REPORT_ENV } from './push-hook.ts';
import { killGit, type RunGitOptions, spawnGit } from './run-git.ts';

/** The two git services reachable over smart HTTP. */
export type GitService = 'git-upload-pack' | 'git-receive-pack';

/** A recognised smart-HTTP request: which repository, which service, which of its two endpoints. */
export interface GitHttpPath {
  /** Project path without `.git`, slash-separated and URL-decoded, e.g. `group/app`. */
  repoPath: string;
  service: GitService;
  /** `info/refs` (GET, ref advertisement) or `rpc` (POST to the service itself). */
  endpoint: 'info/refs' | 'rpc';
}

const SERVICES: readonly string[] = ['git-upload-pack', 'git-receive-pack'];

const MAX_PATH_LENGTH = 1024;

/**
 * Recognises the smart-HTTP endpoints and nothing else: `/<repo>.git/info/refs?service=<service>`,
 * `/<repo>.git/git-upload-pack` and `/<repo>.git/git-receive-pack`. `pathname` is the raw,
 * still percent-encoded path; `search` the raw query (with or without `?`). Returns null for dumb-
 * protocol paths (`/objects/…`, `/HEAD`, `info/refs` without a service), encoded slashes, and
 * any repository path that `validateProjectPath` refuses (traversal, empty segments, backslashes,
 * NUL, characters outside the project path alphabet), so only a possible project path comes out.
 * The HTTP method is left to `git http-backend`, which answers 405 to a wrong one.
 */
export function parseGitHttpPath(pathname: string, search: string): GitHttpPath | null {
  if (pathname.length > MAX_PATH_LENGTH || !pathname.startsWith('/')) return null;
  let endpoint: GitHttpPath['endpoint'];
  let service: string | null;
  let rest: string;
  const query = search.startsWith('?') ? search.slice(1) : search;
  if (pathname.endsWith('.git/info/refs')) {
    endpoint = 'info/refs';
    rest = pathname.slice(1, -'.git/info/refs'.length);
    service = serviceFromQuery(query);
  } else {
    const slash = pathname.lastIndexOf('/');
    endpoint = 'rpc';
    service = pathname.slice(slash + 1);
    rest = pathname.slice(1, slash);
    if (query !== '' || !rest.endsWith('.git')) return null;
    rest = rest.slice(0, -'.git'.length);
  }
  if (service === null || !SERVICES.includes(service)) return null;
  const decoded: string[] = [];
  for (const raw of rest.split('/')) {
    const segment = decodeSegment(raw);
    // An encoded slash would turn one segment into two after joining.
    if (segment === null || segment.includes('/')) return null;
    decoded.push(segment);
  }
  const repoPath = decoded.join('/');
  try {
    validateProjectPath(repoPath);
  } catch {
    return null;
  }
  return { repoPath, service: service as GitService, endpoint };
}

/** True when `url` (path plus optional query, as in `IncomingMessage.url`) is a smart-HTTP git request. */
export function isGitHttpPath(url: string): boolean {
  return parseGitHttpUrl(url) !== null;
}

/** {@link parseGitHttpPath} for a request target such as `IncomingMessage.url`. */
export function parseGitHttpUrl(url: string): GitHttpPath | null {
  if (url.includes('#')) return null;
  const question = url.indexOf('?');
  return question === -1
    ? parseGitHttpPath(url, '')
    : parseGitHttpPath(url.slice(0, question), url.slice(question + 1));
}

/** The `pathInfoSuffix` for {@link runHttpBackend} that serves a parsed request. */
export function pathInfoSuffix(path: GitHttpPath): string {
  return path.endpoint === 'info/refs' ? '/info/refs' : `/${path.service}`;
}

function serviceFromQuery(query: string): string | null {
  // Git sends exactly `service=<name>`; anything more is not a git client.
  const params = new URLSearchParams(query);
  const keys = [...params.keys()];
  if (keys.length !== 1 || keys[0] !== 'service') return null;
  return params.get('service');
}

function decodeSegment(raw: string): string | null {
  // Percent-encoding is legal but never needed in the project path alphabet; decoding first and
  // then validating the decoded path rejects %5C, %00 and %2E%2E tricks in one place.
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** Everything {@link runHttpBackend} needs to serve one request. */
export interface HttpBackendOptions {
  req: IncomingMessage;
  res: ServerResponse;
  /** Absolute path of the bare repository on disk. */
  repositoryDir: string;
  /** `/info/refs`, `/git-upload-pack` or `/git-receive-pack` (see {@link pathInfoSuffix}). */
  pathInfoSuffix: string;
  /** The authenticated user, recorded by git in reflogs; authorization happens before this call. */
  remoteUser: string;
  /** Directory holding Gantry's hooks (see `installHooks`), passed as `core.hooksPath`. */
  hooksDir: string;
  /** File the `post-receive` hook appends `<old> <new> <ref>` lines to. */
  pushReportFile?: string;
  /** Largest request body accepted (bytes on the wire, before gzip is undone); 413 beyond. */
  maxBodyBytes?: number;
  /**
   * Runs after git has exited successfully and before the response ends, so a client whose
   * `git push` has returned can rely on whatever this does (recording the push) having happened.
   */
  beforeEnd?: () => Promise<void>;
  /** Receives git's stderr, line by line, and failures of the CGI exchange. */
  log?: (line: string) => void;
  /** HOME for git (nothing is read from it). */
  home?: string;
  /** The git executable; `git` from PATH by default. */
  gitBinary?: string;
}

const SUFFIXES: readonly string[] = ['/info/refs', '/git-upload-pack', '/git-receive-pack'];
const MAX_CGI_HEADER_BYTES = 64 * 1024;
// Protocol negotiation values look like `version=2` or `version=2:object-format=sha256`.
const GIT_PROTOCOL_VALUE = /^[A-Za-z0-9=:._-]{1,256}$/;

/**
 * Serves one smart-HTTP request by running `git http-backend` as a CGI program: the request body
 * is streamed into it (gzip-encoded bodies are undone by git itself), its CGI headers become the
 * response status and headers, and the rest of its output is streamed back. Answers 500 when git
 * cannot start or prints no valid CGI header, 413 when the body exceeds `maxBodyBytes`. When the
 * client goes away, fetches are killed with all their helpers, while a push is left to finish
 * (its refs may already be updated) with its body cut off and its output dropped. Resolves once
 * git has exited and the response is finished, so the push report file is complete when the caller
 * reads it; failures are answered and logged, never thrown. Rejects only on a relative
 * `repositoryDir` or an unknown `pathInfoSuffix` (programming errors).
 */
export function runHttpBackend(options: HttpBackendOptions): Promise<void> {
  const { req, res, repositoryDir, log = () => {} } = options;
  if (!isAbsolute(repositoryDir)) return Promise.reject(new TypeError('repositoryDir must be absolute'));
  if (!SUFFIXES.includes(options.pathInfoSuffix)) {
    return Promise.reject(new TypeError(`unsupported pathInfoSuffix ${options.pathInfoSuffix}`));
  }

  const maxBody = options.maxBodyBytes ?? Number.POSITIVE_INFINITY;
  const declaredLength = headerValue(req, 'content-length');
  if (declaredLength !== undefined && !/^\d+$/.test(declaredLength)) {
    return answerWithoutGit(res, 400, 'invalid Content-Length\n');
  }
  if (declaredLength !== undefined && Number(declaredLength) > maxBody) {
    return answerWithoutGit(res, 413, `request body larger than ${maxBody} bytes\n`);
  }

  const child = spawnGit(['http-backend'], cgiOptions(options, declaredLength), ['pipe', 'pipe', 'pipe']);
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const endResponse = (): void => {
    exited
      .then((code) => (code === 0 ? options.beforeEnd?.() : undefined))
      .catch((error: unknown) => log(`after git http-backend: ${(error as Error).message}`))
      .finally(() => {
        if (!res.destroyed && !res.writableEnded) res.end();
      });
  };
  return new Promise((resolve) => {
    let childDone = false;
    let responseDone = false;
    let failed = false;
    const settle = (): void => {
      if (childDone && responseDone) resolve();
    };
    const fail = (status: number, message: string): void => {
      if (failed) return;
      failed = true;
      log(message);
      killGit(child);
      if (!res.headersSent) {
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
        res.end(`${message}\n`);
      } else {
        res.destroy();
      }
    };

    res.once('close', () => {
      if (!res.writableFinished && !failed) clientGone();
      responseDone = true;
      settle();
    });
    const clientGone = (): void => {
      if (options.pathInfoSuffix !== '/git-receive-pack') {
        killGit(child);
        return;
      }
      // Refs may already be updated and post-receive running: killing git now would lose the push
      // report. Cut the body off instead; receive-pack then either fails on a truncated pack
      // (nothing changes) or finishes what it started, and its output is drained and dropped.
      log('client went away during a push; letting git receive-pack finish');
      req.unpipe();
      child.stdin?.end();
      child.stdout?.resume();
    };
    child.once('error', (error) => fail(500, `git http-backend failed to start: ${error.message}`));
    child.once('close', (code, signal) => {
      if (code !== 0 && code !== null) log(`git http-backend exited with ${code}`);
      if (signal !== null) log(`git http-backend was killed by ${signal}`);
      childDone = true;
      settle();
    });

    pumpRequestBody(req, child, maxBody, () => fail(413, `request body larger than ${maxBody} bytes`));
    forwardStderr(child, log);
    forwardCgiResponse(child, res, fail, endResponse);
  });
}

function cgiOptions(options: HttpBackendOptions, contentLength: string | undefined): RunGitOptions {
  const { req, repositoryDir } = options;
  const url = req.url ?? '';
  const question = url.indexOf('?');
  const cgi: Record<string, string> = {
    GIT_PROJECT_ROOT: dirname(repositoryDir),
    PATH_INFO: `/${basename(repositoryDir)}${options.pathInfoSuffix}`,
    REQUEST_METHOD: req.method ?? 'GET',
    // git answers a wrong method with 405 only when it knows the request is HTTP/1.1, else 400.
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    QUERY_STRING: question === -1 ? '' : url.slice(question + 1),
    REMOTE_USER: options.remoteUser,
    REMOTE_ADDR: req.socket.remoteAddress ?? '',
    GIT_HTTP_EXPORT_ALL: '1',
  };
  const contentType = headerValue(req, 'content-type');
  if (contentType !== undefined) cgi.CONTENT_TYPE = contentType;
  if (contentLength !== undefined) cgi.CONTENT_LENGTH = contentLength;
  const encoding = headerValue(req, 'content-encoding');
  if (encoding !== undefined) cgi.HTTP_CONTENT_ENCODING = encoding;
  const protocol = headerValue(req, 'git-protocol');
  if (protocol !== undefined && GIT_PROTOCOL_VALUE.test(protocol)) cgi.GIT_PROTOCOL = protocol;
  if (options.pushReportFile !== undefined) cgi[PUSH_REPORT_ENV] = options.pushReportFile;
  return {
    home: options.home,
    gitBinary: options.gitBinary,
    config: [{ key: 'core.hooksPath', value: options.hooksDir }],
    extra: cgi,
  };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function pumpRequestBody(
  req: IncomingMessage,
  child: ChildProcess,
  maxBody: number,
  tooLarge: () => void,
): void {
  const stdin = child.stdin;
  if (stdin === null) return;
  // git stops reading when it rejects a request early; the resulting EPIPE is not our error.
  stdin.on('error', () => {});
  let received = 0;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxBody) {
      req.unpipe(stdin);
      req.resume();
      tooLarge();
    }
  });
  req.pipe(stdin);
}

function forwardStderr(child: ChildProcess, log: (line: string) => void): void {
  let pending = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    const lines = (pending + text).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') log(line);
  });
  child.stderr?.on('end', () => {
    if (pending.trim() !== '') log(pending);
  });
}

function forwardCgiResponse(
  child: ChildProcess,
  res: ServerResponse,
  fail: (status: number, message: string) => void,
  endResponse: () => void,
): void {
  const stdout = child.stdout;
  if (stdout === null) return;
  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    head = Buffer.concat([head, chunk]);
    const parsed = parseCgiHead(head);
    if (parsed === 'incomplete') {
      if (head.length > MAX_CGI_HEADER_BYTES) {
        stdout.off('data', onData);
        fail(500, 'git http-backend sent an oversized CGI header');
      }
      return;
    }
    stdout.off('data', onData);
    stdout.off('end', onEnd);
    if (parsed === 'invalid') {
      fail(500, 'git http-backend sent an invalid CGI header');
      return;
    }
    if (res.destroyed || res.headersSent) {
      stdout.resume();
      return;
    }
    try {
      res.writeHead(parsed.status, parsed.reason, parsed.headers);
    } catch (error) {
      fail(500, `git http-backend sent an unusable CGI header: ${(error as Error).message}`);
      return;
    }
    // Not stdout.pipe(res): when the client goes away, git's output must keep draining (see
    // clientGone) so a push can finish, while pipe() would stop reading.
    if (parsed.body.length > 0) res.write(parsed.body);
    stdout.on('data', (chunk: Buffer) => {
      if (res.destroyed || res.writableEnded) return;
      if (!res.write(chunk)) {
        stdout.pause();
        res.once('drain', () => stdout.resume());
      }
    });
    res.once('close', () => stdout.resume());
    stdout.once('end', endResponse);
  };
  const onEnd = (): void => fail(500, 'git http-backend ended without a CGI header');
  stdout.on('data', onData);
  stdout.once('end', onEnd);
}

interface CgiHead {
  status: number;
  reason: string | undefined;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

/** Splits CGI output into its header block (CRLF or LF line ends, as RFC 3875 allows) and body. */
function parseCgiHead(buffer: Buffer): CgiHead | 'incomplete' | 'invalid' {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  let end: number;
  let separator: number;
  if (crlf !== -1 && (lf === -1 || crlf < lf)) {
    end = crlf;
    separator = 4;
  } else if (lf !== -1) {
    end = lf;
    separator = 2;
  } else {
    return 'incomplete';
  }
  let status = 200;
  let reason: string | undefined;
  const headers: Record<string, string | string[]> = {};
  for (const rawLine of buffer.subarray(0, end).toString('latin1').split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const colon = line.indexOf(':');
    if (colon <= 0) return 'invalid';
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (!/^[a-z0-9-]+$/.test(name)) return 'invalid';
    if (name === 'status') {
      const match = /^([1-5]\d\d)(?: (.*))?$/.exec(value);
      if (match === null) return 'invalid';
      status = Number(match[1]);
      reason = match[2] || undefined;
      continue;
    }
    const previous = headers[name];
    headers[name] = previous === undefined ? value : [...[previous].flat(), value];
  }
  return { status, reason, headers, body: buffer.subarray(end + separator) };
}

function answerWithoutGit(res: ServerResponse, status: number, body: string): Promise<void> {
  return new Promise((resolve) => {
    res.once('close', () => resolve());
    // The body is left unread: `connection: close` ends the exchange without draining it.
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    res.end(body);
  });
}
