import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { GantryError } from '../../domain/errors.ts';
import type { KubeObject } from './kube-object.ts';
import { LiveViewCache, type LiveViewCacheOptions } from './live-view-cache.ts';
import type { ReflectOptions, Reflector } from './rollout-watch-reflector.ts';

const KINDS = ['DaemonSet', 'Deployment', 'Job', 'Pod', 'ReplicaSet', 'StatefulSet'];

/** A fake cluster: every reflect call is recorded, lists resolve at once unless told otherwise. */
function fakeCluster() {
  const started: Array<{ options: ReflectOptions; objects: Map<string, KubeObject>; stopped: boolean }> = [];
  let failWith: unknown;
  let hang = false;
  const reflect = async (options: ReflectOptions): Promise<Reflector> => {
    if (hang) return new Promise<never>(() => {});
    if (failWith !== undefined) throw failWith;
    const entry = { options, objects: new Map<string, KubeObject>(), stopped: false };
    started.push(entry);
    return {
      objects: entry.objects,
      stop: () => {
        entry.stopped = true;
      },
    };
  };
  return {
    reflect,
    started,
    live: () => started.filter((entry) => !entry.stopped),
    failWith: (error: unknown) => {
      failWith = error;
    },
    hang: () => {
      hang = true;
    },
  };
}

const kubeConfig = () => {
  const config = new KubeConfig();
  config.loadFromClusterAndUser(
    { name: 'c', server: 'https://127.0.0.1:6443', skipTLSVerify: false },
    { name: 'u', token: 't' },
  );
  return config;
};

const source = (namespace: string, target = 'target-1') => ({ target, namespace, connect: kubeConfig });

let cluster: ReturnType<typeof fakeCluster>;
let cache: LiveViewCache;
const newCache = (options: LiveViewCacheOptions = {}) => {
  cache = new LiveViewCache({ reflect: cluster.reflect, ...options });
  return cache;
};

beforeEach(() => {
  mock.timers.enable({ apis: ['setTimeout'] });
  cluster = fakeCluster();
});
afterEach(() => {
  cache?.close();
  mock.timers.reset();
});

test('the first request starts one watch per kind; later and concurrent requests share them', async () => {
  newCache();
  const [first, second] = await Promise.all([cache.objects(source('shop')), cache.objects(source('shop'))]);
  assert.deepEqual(cluster.started.map((entry) => entry.options.type.kind).sort(), KINDS);
  assert.deepEqual(new Set(cluster.started.map((entry) => entry.options.namespace)), new Set(['shop']));
  assert.deepEqual([...first.keys()].sort(), KINDS);
  assert.deepEqual(first, second);
  const pods = cluster.started.find((entry) => entry.options.type.kind === 'Pod')!;
  pods.objects.set('web-1', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1' } });
  const third = await cache.objects(source('shop'));
  assert.deepEqual(
    third.get('Pod')?.map((pod) => pod.metadata.name),
    ['web-1'],
  );
  assert.equal(cluster.started.length, KINDS.length, 'served from the watches, no new list');
});

test('a target whose settings changed gets its own watches', async () => {
  newCache();
  await cache.objects(source('shop', 'target-1@v1'));
  await cache.objects(source('shop', 'target-1@v2'));
  assert.equal(cache.size, 2);
  assert.equal(cluster.started.length, 2 * KINDS.length);
});

test('watches nobody asks for are closed after the idle time, counted from the last request', async () => {
  newCache({ idleMs: 1_000 });
  await cache.objects(source('shop'));
  mock.timers.tick(900);
  await cache.objects(source('shop'));
  mock.timers.tick(900);
  assert.equal(cluster.live().length, KINDS.length, 'asked for 900 ms ago: kept');
  mock.timers.tick(100);
  assert.equal(cluster.live().length, 0);
  assert.equal(cache.size, 0);
  await cache.objects(source('shop'));
  assert.equal(cluster.live().length, KINDS.length, 'started again when asked for');
});

test('at most maxEntries namespaces are watched: the least recently asked for is closed', async () => {
  newCache({ maxEntries: 2 });
  await cache.objects(source('a'));
  await cache.objects(source('b'));
  await cache.objects(source('a'));
  await cache.objects(source('c'));
  assert.equal(cache.size, 2);
  assert.deepEqual(new Set(cluster.live().map((entry) => entry.options.namespace)), new Set(['a', 'c']));
});

test('a list the cluster refuses is a 503 naming the cause; the next request lists again', async () => {
  newCache();
  cluster.failWith(new ApiException(401, 'Unauthorized', '{"message":"Unauthorized"}', {}));
  const error = await cache.objects(source('shop')).catch((caught: unknown) => caught);
  assert.ok(error instanceof GantryError);
  assert.equal(error.code, 'unavailable');
  assert.match(error.message, /refused the credentials \(401 Unauthorized\)/);
  assert.equal(cache.size, 0);
  cluster.failWith(undefined);
  await cache.objects(source('shop'));
  assert.equal(cluster.live().length, KINDS.length);
});

test('lists that do not answer in time are a 503, and the namespace is forgotten', async () => {
  newCache({ listTimeoutMs: 5_000 });
  cluster.hang();
  const pending = cache.objects(source('shop')).catch((caught: unknown) => caught);
  mock.timers.tick(5_000);
  const error = await pending;
  assert.ok(error instanceof GantryError);
  assert.equal(error.code, 'unavailable');
  assert.match(error.message, /did not answer within 5 s/);
  assert.equal(cache.size, 0);
});

test('a watch that fails drops its namespace and reports why; the next request starts again', async () => {
  const errors: string[] = [];
  newCache({ onError: (error, where) => errors.push(`${where.namespace}: ${error.message}`) });
  await cache.objects(source('shop'));
  cluster.started[0]!.options.onError(new Error('forbidden'));
  assert.deepEqual(errors, ['shop: forbidden']);
  assert.equal(cluster.live().length, 0, 'every watch of the namespace stopped');
  assert.equal(cache.size, 0);
  await cache.objects(source('shop'));
  assert.equal(cluster.live().length, KINDS.length);
});

test('close stops every watch and refuses later requests', async () => {
  newCache();
  await cache.objects(source('a'));
  await cache.objects(source('b'));
  cache.close();
  assert.equal(cluster.live().length, 0);
  await assert.rejects(cache.objects(source('a')), { code: 'unavailable', message: /shutting down/ });
});
