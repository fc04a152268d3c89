import { useCallback, useEffect, useRef, useState } from 'react';
import { type ApiPage, api, apiPage } from './api-client.ts';
import type { ApiError } from './api-error.ts';
import { type LiveEvent, subscribeLiveEvents } from './live-events.ts';

export interface ApiState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** Fetches again, keeping the current data on screen meanwhile. */
  reload: () => void;
}

export interface UseApiOptions {
  /** Refetch when a live event matches (a `resync` always matches). */
  liveWhen?: (event: LiveEvent) => boolean;
}

/** Live refetches are coalesced: a burst of events (a pipeline of 50 jobs) makes one request. */
const LIVE_REFETCH_DELAY_MS = 250;

function useFetched<T>(
  key: string | null,
  load: (signal: AbortSignal) => Promise<T>,
  options: UseApiOptions,
): ApiState<T> {
  const [state, setState] = useState<{ key: string | null; data?: T; error?: ApiError; loading: boolean }>({
    key,
    loading: key !== null,
  });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  const loadRef = useRef(load);
  loadRef.current = load;
  const liveRef = useRef(options.liveWhen);
  liveRef.current = options.liveWhen;
  const requestedAt = useRef(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` is the reload trigger.
  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    setState((previous) => ({ ...(previous.key === key ? previous : { key }), loading: true }));
    requestedAt.current = performance.now();
    // An answer to a superseded request (another path, or a reload since) must not replace a newer one.
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ key, data, loading: false });
      },
      (error: ApiError) => {
        if (!controller.signal.aborted) setState((previous) => ({ ...previous, key, error, loading: false }));
      },
    );
    return () => controller.abort();
  }, [key, generation]);

  useEffect(() => {
    if (key === null || !liveRef.current) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = subscribeLiveEvents((event) => {
      if (event.type === 'resync') {
        // Requested after the stream said it was live: any later change arrives as an event.
        if (requestedAt.current > (event.at ?? Number.POSITIVE_INFINITY)) return;
      } else if (!liveRef.current?.(event)) return;
      timer ??= setTimeout(() => {
        timer = undefined;
        reload();
      }, LIVE_REFETCH_DELAY_MS);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [key, reload]);

  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : undefined,
    loading: key !== null && (!current || state.loading),
    reload,
  };
}

/** GETs `path` (null: nothing yet) and keeps it fresh with live events when asked. */
export function useApi<T>(path: string | null, options: UseApiOptions = {}): ApiState<T> {
  return useFetched(path, (signal) => api<T>(path!, { signal }), options);
}

/** GETs one page of a list endpoint. */
export function useApiPage<T>(path: string | null, options: UseApiOptions = {}): ApiState<ApiPage<T>> {
  return useFetched(path, (signal) => apiPage<T>(path!, signal), options);
}

/** One page of a list endpoint, with the page number and the way to turn it (see {@link usePagedApi}). */
export interface PagedApiState<T> extends ApiState<ApiPage<T>> {
  page: number;
  setPage: (page: number) => void;
}

/** The page size of lists that do not choose their own. */
const DEFAULT_PER_PAGE = 50;

/**
 * GETs a list endpoint a page at a time: `path` is the list with its filters (no `page` or
 * `per_page`), and the page number kept here goes back to 1 whenever `path` changes, so a list
 * narrowed by a filter never opens on a page past its end.
 */
export function usePagedApi<T>(
  path: string | null,
  { perPage = DEFAULT_PER_PAGE, ...options }: UseApiOptions & { perPage?: number } = {},
): PagedApiState<T> {
  const [chosen, setChosen] = useState({ path, page: 1 });
  const page = chosen.path === path ? chosen.page : 1;
  const setPage = useCallback((next: number) => setChosen({ path, page: next }), [path]);
  // `path` may come with a query, or with an empty one (`/projects?` and no filter set).
  const separator = !path?.includes('?') ? '?' : path.endsWith('?') ? '' : '&';
  const state = useApiPage<T>(
    path === null ? null : `${path}${separator}page=${page}&per_page=${perPage}`,
    options,
  );
  return { ...state, page, setPage };
}
