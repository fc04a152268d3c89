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

  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` is the reload trigger.
  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    setState((previous) => ({ ...(previous.key === key ? previous : { key }), loading: true }));
    loadRef.current(controller.signal).then(
      (data) => setState({ key, data, loading: false }),
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
      if (event.type !== 'resync' && !liveRef.current?.(event)) return;
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
