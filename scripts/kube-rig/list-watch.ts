import { type KubeConfig, Watch } from '@kubernetes/client-node';
import type { KubeMetadata } from '../../src/targets/kubernetes/kube-object.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Anything a watch can send: plain JSON with metadata. */
export interface Watched {
  metadata: KubeMetadata;
}

/** How long the server keeps one watch request open; below the client's 30 s inactivity timeout. */
const WATCH_SECONDS = 25;
const RETRY_MS = 500;

export interface FollowOptions {
  /** Ends the watch. */
  signal: AbortSignal;
  /** Receives errors, after which the watch is retried (the signal's end is no error). */
  onError: (error: unknown) => void;
  /** Start after this version instead of with the current objects. */
  resourceVersion?: string;
}

/**
 * Follows a collection (e.g. `/api/v1/pods`, query parameters allowed) until the signal aborts: every
 * existing object first arrives as ADDED (unless a starting resourceVersion is given), then each change.
 * A watch request ends after {@link WATCH_SECONDS} (the client library gives up on a silent one after
 * 30 s), so the next one resumes from the last resourceVersion seen, bookmarks included; when that
 * version is too old (410 Gone) it starts over, replaying the current objects as ADDED.
 */
export async function followCollection<T extends Watched>(
  kubeConfig: KubeConfig,
  path: string,
  onEvent: (type: WatchEventType, object: T) => void,
  options: FollowOptions,
): Promise<void> {
  const { signal, onError } = options;
  const watch = new Watch(kubeConfig);
  let resourceVersion = options.resourceVersion;
  while (!signal.aborted) {
    const failure = await new Promise<unknown>((resolve) => {
      let request: AbortController | undefined;
      const abort = () => request?.abort();
      signal.addEventListener('abort', abort, { once: true });
      const finish = (error: unknown) => {
        signal.removeEventListener('abort', abort);
        resolve(error);
      };
      const params = { allowWatchBookmarks: true, timeoutSeconds: WATCH_SECONDS, resourceVersion };
      watch
        .watch(
          path,
          params,
          (type: string, object: T & { code?: number; message?: string }) => {
            if (type === 'ERROR') {
              // 410 Gone: our version was compacted away. Either way the server then ends the watch.
              if (object.code === 410) resourceVersion = undefined;
              else onError(new Error(`watch of ${path} failed: ${object.message ?? JSON.stringify(object)}`));
              return;
            }
            resourceVersion = object.metadata.resourceVersion ?? resourceVersion;
            if (type !== 'BOOKMARK') onEvent(type as WatchEventType, object);
          },
          finish,
        )
        .then((controller) => {
          request = controller;
          if (signal.aborted) controller.abort();
        }, finish);
    });
    if (signal.aborted) return;
    if (failure) {
      onError(failure);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}
