import { ApiError, apiErrorFrom } from './api-error.ts';

/** The API's prefix; every request of the UI goes through it. */
export const API_PREFIX = '/api/v1';

/** A page of a list endpoint with GitLab's pagination headers. */
export interface ApiPage<T> {
  items: T[];
  page: number;
  totalPages: number;
  total: number;
}

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
}

/** Listeners told when any request answers 401, so the shell can show the sign-in page. */
const unauthorizedListeners = new Set<() => void>();

/** Calls `listener` whenever the session turns out to be missing or expired. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

async function send(path: string, request: ApiRequest): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`${API_PREFIX}${path}`, {
      method: request.method ?? 'GET',
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(request.body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
      ...(request.signal && { signal: request.signal }),
    });
  } catch (error) {
    if (request.signal?.aborted) throw error;
    throw new ApiError(0, 'unreachable', 'The Gantry server cannot be reached. Check your connection.');
  }
  if (!response.ok) {
    const error = await apiErrorFrom(response);
    if (response.status === 401 && path !== '/session')
      for (const listener of unauthorizedListeners) listener();
    throw error;
  }
  return response;
}

/** Sends one request and returns the decoded JSON answer (undefined for 204). */
export async function api<T>(path: string, request: ApiRequest = {}): Promise<T> {
  const response = await send(path, request);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Reads one page of a list endpoint. */
export async function apiPage<T>(path: string, signal?: AbortSignal): Promise<ApiPage<T>> {
  const response = await send(path, signal ? { signal } : {});
  const items = (await response.json()) as T[];
  const header = (name: string, fallback: number) => {
    const value = Number(response.headers.get(name));
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  return {
    items,
    page: header('x-page', 1),
    totalPages: header('x-total-pages', 1),
    total: header('x-total', items.length),
  };
}

/** Path-safe project reference: a numeric id or a URL-encoded path. */
export function projectPath(id: number | string): string {
  return `/projects/${encodeURIComponent(String(id))}`;
}
