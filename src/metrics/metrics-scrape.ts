/** How long one scrape may take, headers and body together. */
export const SCRAPE_TIMEOUT_MS = 2000;
/** The largest exposition read; an app serving more is not scraped. */
export const MAX_SCRAPE_BYTES = 4 * 1024 * 1024;

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

/**
 * GETs a Prometheus text exposition. Redirects are not followed (the configured URL is the one
 * scraped).
 * @throws Error saying what failed: no answer within the timeout, a status other than 200, a body
 *   over {@link MAX_SCRAPE_BYTES}, or the connection's own error.
 */
export async function scrapeMetrics(
  url: URL,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<string> {
  const timeoutMs = options.timeoutMs ?? SCRAPE_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const response = await fetch(url, {
      signal,
      redirect: 'manual',
      headers: { accept: 'text/plain;version=0.0.4;q=1, */*;q=0.1' },
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`GET ${url} answered ${response.status}, expected 200`);
    }
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > MAX_SCRAPE_BYTES) {
      await response.body?.cancel();
      throw tooLarge(url);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body ?? []) {
      size += chunk.byteLength;
      if (size > MAX_SCRAPE_BYTES) throw tooLarge(url);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    if (timeout.aborted) throw new Error(`GET ${url} did not answer within ${timeoutMs / 1000} s`);
    if (error instanceof TypeError) {
      const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
      throw new Error(`GET ${url} failed${cause}`);
    }
    throw error;
  }
}

function tooLarge(url: URL): Error {
  return new Error(`GET ${url} answered more than ${MAX_SCRAPE_BYTES / 1024 / 1024} MiB of metrics`);
}
