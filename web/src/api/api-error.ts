/** One problem the API named, e.g. a field and what was wrong with it. */
export interface ApiErrorDetail {
  path: string;
  message: string;
}

/**
 * An answer outside 2xx, carrying the API's `{ error: { code, message, details } }` so a page can
 * show the message where the action happened. Network failures become status 0.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ApiErrorDetail[];

  constructor(status: number, code: string, message: string, details: ApiErrorDetail[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Reads an error answer whatever its shape (a proxy's HTML page included). */
export async function apiErrorFrom(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as {
      error?: { code?: string; message?: string; details?: ApiErrorDetail[] };
    };
    if (body.error?.message) {
      return new ApiError(
        response.status,
        body.error.code ?? 'error',
        body.error.message,
        body.error.details ?? [],
      );
    }
  } catch {
    // Not JSON: fall through to the status line.
  }
  return new ApiError(
    response.status,
    'error',
    `${response.status} ${response.statusText || 'request failed'}`,
  );
}
