import type { BlockList, LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import {
  type ResolvedAddress,
  type ResolveHost,
  resolveScrapeAddresses,
  scrapeDenyList,
} from './scrape-address.ts';

/** How long one scrape may take: resolving the host, headers and body together. */
export const SCRAPE_TIMEOUT_MS = 2000;
/** The largest exposition read; an app serving more is not scraped. */
export const MAX_SCRAPE_BYTES = 4 * 1024 * 1024;

/** Media types of a text exposition: Prometheus' own, and OpenMetrics' same-shaped text. */
const EXPOSITION_TYPES = new Set(['text/plain', 'application/openmetrics-text']);

const BUILT_IN_DENY = scrapeDenyList();

/**
 * Where an environment's app serves its metrics: its external URL with the metrics path appended
 * (`https://app.example/` + `/metrics`).
 * @throws Error when that is not an http:// or https:// URL.
 */
export function scrapeUrl(externalUrl: string, metricsPath: string): URL {
  const path = metricsPath.startsWith('/') ? metricsPath : `/${metricsPath}`;
  const text = `${externalUrl.replace(/\/+$/, '')}${path}`;
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new Error(`metrics are scraped over http:// or https:// only, not from "${text}"`);
  }
  return url;
}

export interface ScrapeOptions {
  /** Ends the scrape (the server stopping): it then rejects with the signal's reason. */
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Addresses never connected to ({@link scrapeDenyList}; its built-in list by default). */
  deny?: BlockList;
  /** How host names resolve (`dns.lookup` by default). */
  resolve?: ResolveHost;
}

/** A failure of the answer itself, thrown as it is rather than as a connection failure. */
class AnswerError extends Error {}

/**
 * GETs a Prometheus text exposition. The URL's host is resolved once and every address it has is
 * checked against `deny`; the connection is pinned to those addresses, so a second DNS answer
 * (rebinding) cannot send it to a denied one. Redirects are not followed (the configured URL is
 * the one scraped), and only a `text/plain` (or OpenMetrics) answer is read: an HTML page is not
 * an app's metrics.
 * @throws Error saying what failed: no answer within the timeout, a denied or unresolvable host,
 *   a status other than 200, another content type, a body over {@link MAX_SCRAPE_BYTES}, or the
 *   connection's own error.
 */
export async function scrapeMetrics(url: URL, options: ScrapeOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? SCRAPE_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let dispatcher: Agent | undefined;
  try {
    const addresses = await untilAborted(
      resolveScrapeAddresses(url.hostname, options.deny ?? BUILT_IN_DENY, options.resolve),
      signal,
    );
    dispatcher = new Agent({ connect: { lookup: pinnedLookup(addresses) } });
    const { statusCode, headers, body } = await request(url, {
      dispatcher,
      signal,
      headers: { accept: 'text/plain;version=0.0.4;q=1, application/openmetrics-text;q=0.5' },
    });
    const contentType = String(headers['content-type'] ?? '');
    const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
    const declared = Number(headers['content-length'] ?? 0);
    if (statusCode !== 200 || !EXPOSITION_TYPES.has(mediaType) || declared > MAX_SCRAPE_BYTES) {
      // Unread: the abort the body then reports is this one.
      body.on('error', () => {}).destroy();
      if (statusCode !== 200) throw new AnswerError(`GET ${url} answered ${statusCode}, expected 200`);
      if (declared > MAX_SCRAPE_BYTES) throw tooLarge(url);
      throw new AnswerError(
        `GET ${url} answered ${contentType === '' ? 'no content type' : `content type "${contentType}"`}, expected text/plain (a Prometheus text exposition)`,
      );
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > MAX_SCRAPE_BYTES) throw tooLarge(url);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout.aborted) throw new Error(`GET ${url} did not answer within ${timeoutMs / 1000} s`);
    if (error instanceof AnswerError) throw error;
    throw new Error(`GET ${url} failed: ${(error as Error).message ?? String(error)}`);
  } finally {
    await dispatcher?.destroy();
  }
}

/** A `lookup` for the connection that answers the addresses already resolved and checked. */
function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all)
      callback(
        null,
        addresses.map(({ address, family }) => ({ address, family })),
      );
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
}

/** `work`, or the signal's reason once it aborts (name resolution takes no signal). */
async function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  let onAbort = () => {};
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function tooLarge(url: URL): Error {
  return new AnswerError(`GET ${url} answered more than ${MAX_SCRAPE_BYTES / 1024 / 1024} MiB of metrics`);
}
