import { useState } from 'react';
import { useApiPage } from '../api/use-api.ts';

/** Settings lists show this many rows a page. */
const PER_PAGE = 50;

/** One page of a paginated settings list, with the page number to hand to `<Pagination>`. */
export function usePaged<T>(path: string) {
  const [page, setPage] = useState(1);
  const separator = path.includes('?') ? '&' : '?';
  const state = useApiPage<T>(`${path}${separator}page=${page}&per_page=${PER_PAGE}`);
  return { state, page, setPage };
}
