import { API_PREFIX } from './api-client.ts';
import { ApiError, apiErrorFrom } from './api-error.ts';

/**
 * Why the API refused a stream (an EventSource or a WebSocket), which the browser does not tell:
 * the same request made with `fetch`, its error read and the body of a success never waited for.
 * Undefined when it now succeeds (the refusal was passing).
 */
export async function refusalOf(path: string): Promise<ApiError | undefined> {
  const controller = new AbortController();
  try {
    const response = await fetch(`${API_PREFIX}${path}`, {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
      signal: controller.signal,
    });
    return response.ok ? undefined : await apiErrorFrom(response);
  } catch {
    return new ApiError(0, 'unreachable', 'The Gantry server cannot be reached. Check your connection.');
  } finally {
    controller.abort();
  }
}
