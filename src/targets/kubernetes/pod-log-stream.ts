import { ApiException, type KubeConfig, RequestContext } from '@kubernetes/client-node';
import { type Dispatcher, request } from 'undici';
import type { LogChunk } from '../environment-operations.ts';
import { LogLineSplitter } from '../log-line-splitter.ts';
import { apiServerUrl } from './kube-connection.ts';
import { sourceName } from './log-sources.ts';
import { linesSince } from './log-timestamps.ts';
import { operationFailure } from './operation-errors.ts';

/** One `GET pods/{pod}/log` request. */
export interface PodLogRequest {
  namespace: string;
  pod: string;
  container: string;
  follow: boolean;
  previous: boolean;
  tailLines?: number;
  /** RFC 3339. */
  sinceTime?: string;
  /** Lines before this instant (nanoseconds, `instantNanos`) are dropped; see `linesSince`. */
  sinceInstant?: bigint;
  /** Ends the request: the stream then ends without an error. */
  signal: AbortSignal;
}

/** How long the API server may take to start answering. */
const HEADERS_TIMEOUT_MS = 30_000;

/**
 * Opens one container's log (timestamps on) and returns it as chunks of complete lines tagged
 * `<pod>/<container>`. The body is read only as fast as the chunks are taken: while the consumer does
 * not pull, the socket is not read and the API server's writes wait (TCP back-pressure). The request
 * has its own connection, closed when the stream ends, is aborted or its reader stops early.
 *
 * @throws GantryError (see `operationFailure`) when the API server refuses or cannot be reached; the
 *   stream throws one too when the connection breaks while reading.
 */
export async function openPodLog(
  kubeConfig: KubeConfig,
  options: PodLogRequest,
): Promise<AsyncIterable<LogChunk>> {
  const { namespace, pod, container, signal } = options;
  const source = sourceName({ pod, container });
  const server = apiServerUrl(kubeConfig);
  const failure = (error: unknown) =>
    operationFailure(error, {
      what: `read the ${options.previous ? 'previous ' : ''}log of ${source}`,
      permission: { verbs: ['get'], resource: 'pods/log' },
      namespace,
      server,
    });
  const url = new URL(
    `${server}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`,
  );
  url.searchParams.set('container', container);
  url.searchParams.set('timestamps', 'true');
  if (options.follow) url.searchParams.set('follow', 'true');
  if (options.previous) url.searchParams.set('previous', 'true');
  if (options.tailLines !== undefined) url.searchParams.set('tailLines', String(options.tailLines));
  if (options.sinceTime !== undefined) url.searchParams.set('sinceTime', options.sinceTime);

  const context = new RequestContext(url.toString(), 'GET');
  await kubeConfig.applySecurityAuthentication(context);
  // The dispatcher the library made for this request's TLS settings: this request's alone.
  const dispatcher: Dispatcher | undefined = context.getDispatcher();
  const release = () => void dispatcher?.destroy().catch(() => {});
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(url, {
      method: 'GET',
      headers: context.getHeaders(),
      signal,
      headersTimeout: HEADERS_TIMEOUT_MS,
      // A followed log may stay quiet for hours.
      bodyTimeout: options.follow ? 0 : HEADERS_TIMEOUT_MS,
      ...(dispatcher ? { dispatcher } : {}),
    });
  } catch (error) {
    release();
    signal.throwIfAborted();
    throw failure(error);
  }
  if (response.statusCode < 200 || response.statusCode > 299) {
    const text = await response.body.text().catch(() => '');
    release();
    throw failure(new ApiException(response.statusCode, 'Unsuccessful HTTP Request', text, {}));
  }
  const body = response.body;
  return {
    async *[Symbol.asyncIterator]() {
      const splitter = new LogLineSplitter();
      let since = options.sinceInstant;
      const chunk = (text: string): LogChunk | undefined => {
        if (since !== undefined && text !== '') {
          text = linesSince(text, since);
          // Lines of one container come in order: once one is late enough, all later ones are.
          if (text !== '') since = undefined;
        }
        return text === '' ? undefined : { source, text };
      };
      try {
        for await (const bytes of body) {
          // What was buffered before an abort is not passed on.
          if (signal.aborted) return;
          const complete = chunk(splitter.push(bytes as Uint8Array));
          if (complete) yield complete;
        }
        const rest = chunk(splitter.end());
        if (rest) yield rest;
      } catch (error) {
        if (signal.aborted) return;
        throw failure(error);
      } finally {
        body.destroy();
        release();
      }
    },
  };
}
