import { X509Certificate } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiException, type Cluster, KubeConfig, RequestContext, type User } from '@kubernetes/client-node';
import { Agent, type Dispatcher as UndiciDispatcher, request as undiciRequest } from 'undici';
import { parse } from 'yaml';
import { GantryError } from '../../domain/errors.ts';

/** A target given as a whole kubeconfig (YAML or JSON text); its current context is used. */
export interface KubeconfigSettings {
  kubeconfig: string;
}

/** A target given as an API URL and a bearer token (typically a ServiceAccount token). */
export interface ApiTokenSettings {
  api_url: string;
  /** The CA that signed the API server's certificate (PEM); the system's CAs when absent. */
  ca_pem?: string;
  token: string;
  insecure_skip_tls_verify?: boolean;
}

/** How a Kubernetes target reaches its cluster. */
export type KubeConnectionSettings = KubeconfigSettings | ApiTokenSettings;

/**
 * Fields of a kubeconfig cluster or user that Gantry refuses, and why. A server must never read
 * its own local files or run local commands on behalf of whoever registered a target.
 */
const refusedClusterFields: Record<string, string> = {
  'certificate-authority': 'names a local file; paste the certificate as certificate-authority-data',
  'proxy-url': 'sets a proxy, which Gantry does not support: the API server must be reachable directly',
};
const refusedUserFields: Record<string, string> = {
  'client-certificate': 'names a local file; paste the certificate as client-certificate-data',
  'client-key': 'names a local file; paste the key as client-key-data',
  tokenFile: 'names a local file; paste the token as token',
  'token-file': 'names a local file; paste the token as token',
  exec: 'runs a local command (an exec credential plugin); use a token or client certificate data',
  'auth-provider': 'uses an auth-provider plugin; use a token or client certificate data',
  'as-groups': 'impersonates groups, which Gantry does not support',
  'as-user-extra': 'impersonates with extra fields, which Gantry does not support',
};

/**
 * Builds the client configuration for a target's settings, checking them first: only https:// API
 * URLs, certificates that parse, and (for a kubeconfig) a current context whose cluster and user
 * exist and hold everything inline. Only the current context is kept, so nothing else in the
 * kubeconfig is ever read.
 *
 * @throws GantryError `validation_failed` saying what is wrong with the settings.
 */
export function kubeConfigFromSettings(settings: KubeConnectionSettings): KubeConfig {
  return 'kubeconfig' in settings ? fromKubeconfig(settings.kubeconfig) : fromApiToken(settings);
}

function invalid(field: string, message: string): GantryError {
  return new GantryError('validation_failed', message, [{ path: `/${field}`, message }]);
}

function fromApiToken(settings: ApiTokenSettings): KubeConfig {
  const server = checkServer(settings.api_url, 'api_url', (message) => invalid('api_url', message));
  const token = typeof settings.token === 'string' ? settings.token.trim() : '';
  if (token === '' || /\s/.test(token)) {
    throw invalid('token', 'token must be a bearer token: one word, no spaces or line breaks');
  }
  const cluster: Cluster = {
    name: 'target',
    server,
    skipTLSVerify: settings.insecure_skip_tls_verify === true,
    ...(settings.ca_pem ? { caData: pemToData(settings.ca_pem, 'ca_pem') } : {}),
  };
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromClusterAndUser(cluster, { name: 'target', token });
  return kubeConfig;
}

function pemToData(pem: string, field: string): string {
  checkCertificate(pem, (message) => invalid(field, `${field} ${message}`));
  return Buffer.from(pem).toString('base64');
}

function checkCertificate(pem: string, fail: (message: string) => GantryError): void {
  try {
    new X509Certificate(pem);
  } catch {
    throw fail('is not a PEM certificate (-----BEGIN CERTIFICATE----- …)');
  }
}

function checkServer(value: unknown, field: string, fail: (message: string) => GantryError): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!URL.canParse(text)) throw fail(`${field} must be an https:// URL, got ${JSON.stringify(value ?? '')}`);
  const url = new URL(text);
  if (url.protocol !== 'https:') {
    throw fail(`${field} must be an https:// URL (the API is only reached over TLS), got "${text}"`);
  }
  return text.replace(/\/+$/, '');
}

type Mapping = Record<string, unknown>;

const isMapping = (value: unknown): value is Mapping =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function fromKubeconfig(text: string): KubeConfig {
  const fail = (message: string) => invalid('kubeconfig', `kubeconfig: ${message}`);
  let document: unknown;
  try {
    document = parse(text, { maxAliasCount: 100 });
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw fail(`not valid YAML (${first})`);
  }
  if (!isMapping(document)) throw fail('expected a YAML mapping with clusters, users and contexts');
  const contextName = document['current-context'];
  if (typeof contextName !== 'string' || contextName === '') {
    throw fail('no current-context: set current-context to the context Gantry should use');
  }
  const context = namedEntry(document, 'contexts', 'context', contextName, fail);
  if (!context) throw fail(`current-context "${contextName}" names no entry in contexts`);
  const clusterName = context.cluster;
  if (typeof clusterName !== 'string' || clusterName === '') {
    throw fail(`context "${contextName}" names no cluster`);
  }
  const clusterEntry = namedEntry(document, 'clusters', 'cluster', clusterName, fail);
  if (!clusterEntry)
    throw fail(`context "${contextName}" names cluster "${clusterName}", which is not in clusters`);
  const userName = context.user;
  let userEntry: Mapping = {};
  if (userName !== undefined && userName !== '') {
    if (typeof userName !== 'string') throw fail(`context "${contextName}" has a user that is not a name`);
    const found = namedEntry(document, 'users', 'user', userName, fail);
    if (!found) throw fail(`context "${contextName}" names user "${userName}", which is not in users`);
    userEntry = found;
  }
  const cluster = clusterFrom(clusterName, clusterEntry, fail);
  const user = userFrom(typeof userName === 'string' && userName ? userName : 'anonymous', userEntry, fail);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [cluster],
    users: [user],
    contexts: [
      {
        name: contextName,
        cluster: cluster.name,
        user: user.name,
        ...(typeof context.namespace === 'string' && context.namespace
          ? { namespace: context.namespace }
          : {}),
      },
    ],
    currentContext: contextName,
  });
  return kubeConfig;
}

/** The `field` mapping of the entry named `name` in the list `list` (`contexts[].context`, …). */
function namedEntry(
  document: Mapping,
  list: string,
  field: string,
  name: string,
  fail: (message: string) => GantryError,
): Mapping | undefined {
  const entries = document[list] ?? [];
  if (!Array.isArray(entries)) throw fail(`${list} must be a list`);
  const entry: unknown = entries.find((item: unknown) => isMapping(item) && item.name === name);
  if (entry === undefined) return undefined;
  const body = (entry as Mapping)[field] ?? {};
  if (!isMapping(body)) throw fail(`${list} entry "${name}" has no ${field} mapping`);
  return body;
}

function refuse(
  what: string,
  entry: Mapping,
  refused: Record<string, string>,
  fail: (message: string) => GantryError,
): void {
  for (const [field, why] of Object.entries(refused)) {
    if (entry[field] !== undefined && entry[field] !== null && entry[field] !== '') {
      throw fail(`${what} ${field}: it ${why}`);
    }
  }
}

function optionalString(entry: Mapping, field: string, what: string, fail: (m: string) => GantryError) {
  const value = entry[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw fail(`${what} ${field} must be a string`);
  return value;
}

/** Checks base64-encoded PEM data (`certificate-authority-data`, `client-certificate-data`). */
function certificateData(value: string, what: string, fail: (m: string) => GantryError): string {
  checkCertificate(Buffer.from(value, 'base64').toString('utf8'), (message) =>
    fail(`${what} is not base64 of a PEM certificate (${message})`),
  );
  return value;
}

function clusterFrom(name: string, entry: Mapping, fail: (m: string) => GantryError): Cluster {
  const what = `cluster "${name}"`;
  refuse(what, entry, refusedClusterFields, fail);
  const server = checkServer(entry.server, `${what} server`, fail);
  const caData = optionalString(entry, 'certificate-authority-data', what, fail);
  const tlsServerName = optionalString(entry, 'tls-server-name', what, fail);
  return {
    name,
    server,
    skipTLSVerify: entry['insecure-skip-tls-verify'] === true,
    ...(caData ? { caData: certificateData(caData, `${what} certificate-authority-data`, fail) } : {}),
    ...(tlsServerName ? { tlsServerName } : {}),
  };
}

function userFrom(name: string, entry: Mapping, fail: (m: string) => GantryError): User {
  const what = `user "${name}"`;
  refuse(what, entry, refusedUserFields, fail);
  const token = optionalString(entry, 'token', what, fail);
  const certData = optionalString(entry, 'client-certificate-data', what, fail);
  const keyData = optionalString(entry, 'client-key-data', what, fail);
  const username = optionalString(entry, 'username', what, fail);
  const password = optionalString(entry, 'password', what, fail);
  const impersonateUser = optionalString(entry, 'as', what, fail);
  if (Boolean(certData) !== Boolean(keyData)) {
    throw fail(`${what} needs both client-certificate-data and client-key-data, or neither`);
  }
  return {
    name,
    ...(token ? { token: token.trim() } : {}),
    ...(certData ? { certData: certificateData(certData, `${what} client-certificate-data`, fail) } : {}),
    ...(keyData ? { keyData } : {}),
    ...(username ? { username, password: password ?? '' } : {}),
    ...(impersonateUser ? { impersonateUser } : {}),
  };
}

/** The API server's URL (`https://host:port`), for messages. */
export function apiServerUrl(kubeConfig: KubeConfig): string {
  return kubeConfig.getCurrentCluster()?.server ?? 'the Kubernetes API';
}

/** How error messages name the credentials in use: "the token", "the client certificate", … */
export function credentialsNoun(kubeConfig: KubeConfig): string {
  const user = kubeConfig.getCurrentUser();
  if (user?.token) return 'the token';
  if (user?.certData) return 'the client certificate';
  return 'the credentials';
}

/** One raw request to the API server. */
export interface KubeRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path from the server's root: `/apis/apps/v1/namespaces/shop/deployments/web`. */
  path: string;
  query?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** `application/json` unless given (`application/apply-patch+yaml` for server-side apply). */
  contentType?: string;
  /**
   * The answer's media type, `application/json` unless given; {@link METADATA_ONLY} asks for the
   * object's metadata alone, which spares the API server encoding (and the client decoding) the rest.
   */
  accept?: string;
  /** Abort after this long (default 30 s), so a black-holed address cannot hang a deployment. */
  timeoutMs?: number;
  /** Abort with the caller (a canceled deployment); the abort reason is thrown. */
  signal?: AbortSignal;
}

/** A successful answer: the HTTP status (201 Created vs 200) and the decoded JSON body. */
export interface KubeResponse<T> {
  status: number;
  body: T;
}

/**
 * Accept header for an answer holding only the object's metadata (a `PartialObjectMetadata`), which
 * the API server offers for every verb that returns an object.
 */
export const METADATA_ONLY = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

const DEFAULT_TIMEOUT_MS = 30_000;
type Dispatcher = ReturnType<RequestContext['getDispatcher']>;
/** Promises, so that the parallel first requests of a deployment share one pool too. */
const dispatchers = new WeakMap<KubeConfig, Promise<Dispatcher>>();

/**
 * One connection pool per configuration, kept across the hundreds of requests of a deployment (the
 * library makes a new pool per request). Direct TLS connections speak HTTP/2 when the server offers
 * it, as kubectl does: every request in flight shares one connection instead of each opening its
 * own with a TLS handshake, which both sides pay for in CPU (bench/kubernetes.bench.ts).
 */
async function sharedDispatcher(kubeConfig: KubeConfig, context: RequestContext): Promise<Dispatcher> {
  const tls: Parameters<KubeConfig['createDispatcherOptions']>[1] = {};
  await kubeConfig.applyToHTTPSOptions(tls);
  const options = kubeConfig.createDispatcherOptions(kubeConfig.getCurrentCluster(), tls);
  if (options.type !== 'agent') return context.getDispatcher();
  return new Agent({ connect: options.connect, allowH2: true }) as unknown as Dispatcher;
}

/**
 * Sends one request with the configuration's credentials and TLS settings and decodes the JSON
 * answer. Objects travel as plain JSON both ways: the typed clients' serializer drops fields it
 * does not know (so the API server could not reject a misspelt field) and turns timestamps into
 * Dates, and Gantry applies and records objects exactly as written and returned.
 *
 * @throws ApiException (`.code`, `.body` the answer's text) when the API answers outside 2xx;
 *   the fetch error (with its `cause`) when the server cannot be reached.
 */
export async function kubeRequest<T>(kubeConfig: KubeConfig, request: KubeRequest): Promise<KubeResponse<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await requestOnce<T>(kubeConfig, request);
    } catch (error) {
      const wait = throttledFor(error);
      if (wait === undefined || attempt >= MAX_THROTTLED_ATTEMPTS) throw error;
      await sleep(wait, undefined, request.signal ? { signal: request.signal } : {});
    }
  }
}

/** Tries of a request the API server throttles (429, API Priority and Fairness) before giving up. */
const MAX_THROTTLED_ATTEMPTS = 5;

/**
 * How long to wait before retrying a throttled request: its `Retry-After` (seconds, at most 5),
 * 1 s without one; undefined when the error is not a 429.
 */
export function throttledFor(error: unknown): number | undefined {
  if (!(error instanceof ApiException) || error.code !== 429) return undefined;
  const headers = error.headers as Record<string, string | undefined> | undefined;
  const seconds = Number(headers?.['retry-after'] ?? headers?.['Retry-After']);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 5) * 1000 : 1000;
}

async function requestOnce<T>(kubeConfig: KubeConfig, request: KubeRequest): Promise<KubeResponse<T>> {
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server) throw new Error('the Kubernetes client configuration has no current cluster');
  // Concatenated, not resolved: a server URL may carry a path prefix (a proxy in front of the API).
  const url = new URL(`${server}${request.path}`);
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
  const context = new RequestContext(url.toString(), request.method);
  context.setHeaderParam('Accept', request.accept ?? 'application/json');
  if (request.body !== undefined) {
    context.setHeaderParam('Content-Type', request.contentType ?? 'application/json');
    context.setBody(JSON.stringify(request.body));
  }
  const timeout = AbortSignal.timeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  await kubeConfig.applySecurityAuthentication(context);
  let pending = dispatchers.get(kubeConfig);
  if (!pending) {
    pending = sharedDispatcher(kubeConfig, context);
    dispatchers.set(kubeConfig, pending);
    pending.catch(() => dispatchers.delete(kubeConfig));
  }
  const dispatcher = await pending;
  // undici's request, not fetch: the same connection and credentials at about half the client CPU
  // per request (no WHATWG streams), which counts when the API server shares the machine's cores.
  let status: number;
  let headers: Record<string, string>;
  let text: string;
  try {
    const response = await undiciRequest(url, {
      method: request.method,
      headers: context.getHeaders(),
      body: context.getBody() as string | undefined,
      signal,
      ...(dispatcher && { dispatcher: dispatcher as unknown as UndiciDispatcher }),
    });
    status = response.statusCode;
    headers = Object.fromEntries(
      Object.entries(response.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(', ') : (value ?? ''),
      ]),
    );
    text = await response.body.text();
  } catch (error) {
    request.signal?.throwIfAborted();
    throw error;
  }
  if (status < 200 || status > 299)
    throw new ApiException(status, 'Unsuccessful HTTP Request', text, headers);
  return { status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}
