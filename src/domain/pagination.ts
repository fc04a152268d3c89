/** A page request as GitLab's API takes it: `page` from 1, `per_page` from 1 to 100 (default 20). */
export interface PageRequest {
  page: number;
  perPage: number;
}

export const MAX_PER_PAGE = 100;
export const DEFAULT_PER_PAGE = 20;

/** Normalises optional page parameters, clamping `per_page` to 1–100 as GitLab does. */
export function pageRequest(page: number | undefined, perPage: number | undefined): PageRequest {
  return {
    page: Math.max(1, page ?? 1),
    perPage: Math.min(MAX_PER_PAGE, Math.max(1, perPage ?? DEFAULT_PER_PAGE)),
  };
}

export function offsetOf(request: PageRequest): number {
  return (request.page - 1) * request.perPage;
}

/** A page of results plus the total, from which the API writes GitLab's `X-Total` headers. */
export interface Page<T> {
  items: T[];
  total: number;
  request: PageRequest;
}

/** The values of GitLab's pagination headers for a page. */
export function paginationHeaders(page: Page<unknown>): Record<string, string> {
  const totalPages = Math.max(1, Math.ceil(page.total / page.request.perPage));
  const { page: current, perPage } = page.request;
  return {
    'x-total': String(page.total),
    'x-total-pages': String(totalPages),
    'x-per-page': String(perPage),
    'x-page': String(current),
    'x-next-page': current < totalPages ? String(current + 1) : '',
    'x-prev-page': current > 1 ? String(current - 1) : '',
  };
}
