/** A JSON answer of the API and its headers. */
export interface ApiAnswer<T> {
  body: T;
  headers: Headers;
}

/**
 * Calls `<baseUrl>/api/v1<path>` with a bearer `token` and an optional JSON `body`; returns the
 * parsed JSON (`undefined` for an empty body) and the headers.
 *
 * @throws {Error} unless the status is `expected`, with the start of the answer.
 */
export async function apiRequest<T>(
  baseUrl: string,
  method: string,
  path: string,
  token: string,
  body: unknown,
  expected: number,
): Promise<ApiAnswer<T>> {
  const response = await fetch(`${baseUrl}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status !== expected) {
    throw new Error(`${method} ${path}: expected ${expected}, got ${response.status}: ${text.slice(0, 500)}`);
  }
  return { body: (text === '' ? undefined : JSON.parse(text)) as T, headers: response.headers };
}
