import { type KubeConfig, Watch } from '@kubernetes/client-node';
import { kubeFailure } from './kube-errors.ts';
import type { KubeObject } from './kube-object.ts';
import { type ResourceType, resourcePath } from './rollout-watch-resources.ts';

/** A live copy of one resource type in one namespace, kept current by a watch. */
export interface Reflector {
  /** The objects by name, as the last event left them. */
  readonly objects: ReadonlyMap<string, KubeObject>;
  /** Ends the watch; no callback runs afterwards. */
  stop(): void;
}

export interface ReflectOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  type: ResourceType;
  /** Called synchronously after every change to `objects`. */
  onChange: () => void;
  /** Called when the watch cannot go on (unauthorized, forbidden, not found); the reflector has stopped. */
  onError: (error: Error) => void;
}

/** A watch event's object: a changed object, or a `Status` for `ERROR` events. */
interface EventObject {
  code?: number;
  message?: string;
  metadata?: { name?: string; resourceVersion?: string };
}

const RECONNECT_AFTER_ERROR_MS = 1_000;

/**
 * Lists the resource type, then watches it from the list's resourceVersion, so no change between the
 * two is missed. A watch ends on its own (the client drops it after 30 s without data): it is reopened
 * from the last resourceVersion seen; when the server has compacted that version away (410 Gone) the
 * type is listed again. Resolves once the first list is in.
 */
export async function reflect(options: ReflectOptions): Promise<Reflector> {
  const { kubeConfig, namespace, type, onChange, onError } = options;
  const objects = new Map<string, KubeObject>();
  const watch = new Watch(kubeConfig);
  const path = resourcePath(type, namespace);
  let resourceVersion = '';
  let controller: AbortController | undefined;
  let stopped = false;
  let relist = false;

  const list = async () => {
    const listed = await type.list(kubeConfig, namespace);
    objects.clear();
    for (const item of listed.items) objects.set(item.metadata.name ?? '', item);
    resourceVersion = listed.resourceVersion;
  };

  const failure = (verb: 'list' | 'watch', error: unknown) =>
    kubeFailure(error, `${verb} ${type.plural} in namespace ${namespace}`);

  const fail = (verb: 'list' | 'watch') => (error: unknown) => {
    if (stopped) return;
    stop();
    onError(failure(verb, error));
  };

  const onEvent = (phase: string, object: EventObject) => {
    if (phase === 'ERROR') {
      if (object.code === 410) relist = true;
      else fail('watch')(new Error(object.message ?? `status ${object.code}`));
      return;
    }
    resourceVersion = object.metadata?.resourceVersion ?? resourceVersion;
    if (phase === 'BOOKMARK') return;
    const name = object.metadata?.name ?? '';
    if (phase === 'DELETED') objects.delete(name);
    else objects.set(name, object as unknown as KubeObject);
    onChange();
  };

  const onEnd = (error: unknown) => {
    const status = (error as { statusCode?: number } | null)?.statusCode;
    if (status === 410) relist = true;
    else if (status !== undefined && status < 500 && status !== 429) return fail('watch')(error);
    if (relist) {
      relist = false;
      list().then(() => {
        if (stopped) return;
        onChange();
        open();
      }, fail('list'));
    } else if (error && (error as { name?: string }).name !== 'TimeoutError') {
      // A dropped connection or a server error: retry shortly, not in a tight loop against a server that is down.
      setTimeout(() => stopped || open(), RECONNECT_AFTER_ERROR_MS).unref();
    } else {
      open();
    }
  };

  // Each watch request gets its own `ended` flag, so a late line or a late controller from a request
  // that already ended cannot touch the copy or be mistaken for the current one.
  const open = () => {
    let ended = false;
    const event = (phase: string, object: EventObject) => {
      if (!ended && !stopped) onEvent(phase, object);
    };
    const end = (error: unknown) => {
      if (ended) return;
      ended = true;
      controller = undefined;
      if (!stopped) onEnd(error);
    };
    watch.watch(path, { resourceVersion, allowWatchBookmarks: true }, event, end).then(
      (opened) => {
        if (ended || stopped) opened.abort();
        else controller = opened;
      },
      // Not even sent (no cluster in the kubeconfig, credentials that cannot be loaded): retrying cannot help.
      fail('watch'),
    );
  };

  const stop = () => {
    stopped = true;
    controller?.abort();
    controller = undefined;
  };

  await list().catch((error: unknown) => {
    throw failure('list', error);
  });
  open();
  return { objects, stop };
}
