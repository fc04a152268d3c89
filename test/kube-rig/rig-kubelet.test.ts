import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { before, describe, test } from 'node:test';
import { ApiException, CustomObjectsApi, Exec, Log, Metrics, type V1Status } from '@kubernetes/client-node';
import type { KubeObject } from '../../src/targets/kubernetes/kube-object.ts';
import {
  CONTAINER_LOG_ENV,
  CPU_ANNOTATION,
  freshNamespace,
  type KubeRigClient,
  kubeConfigFrom,
  kubeRigSuiteOptions,
  LOG_EVERY_ANNOTATION,
  MEMORY_ANNOTATION,
  serviceAccountToken,
  useKubeRig,
  waitForObject,
} from '../support/kube-rig.ts';

// Pod logs, exec and metrics of the rig's fake pods, through the real API server: it calls the
// rig-kubelet for /containerLogs and /exec, and the aggregator forwards metrics.k8s.io to it.

interface PodView extends KubeObject {
  status?: {
    phase?: string;
    containerStatuses?: { restartCount: number; state: { waiting?: { reason: string } } }[];
  };
}

const STAMPED = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /;

/** Collects what is written to it. */
class Collected extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** A terminal for client-node's exec: it sends the size at the start and on each `resize`. */
class Terminal extends Collected {
  rows = 24;
  columns = 80;
  resize(rows: number, columns: number): void {
    this.rows = rows;
    this.columns = columns;
    this.emit('resize');
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function apiError(call: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const body = typeof error.body === 'string' ? error.body : JSON.stringify(error.body);
    let message = body;
    try {
      message = (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {}
    return { code: error.code, message };
  }
  throw new Error('the call succeeded');
}

/** GET on the rig-kubelet itself, as a client with the given certificate (or none). */
function kubeletGet(
  rig: KubeRigClient,
  path: string,
  client?: { cert: string; key: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `https://127.0.0.1:${rig.info.kubeletPort}${path}`,
      { ca: rig.info.caPem, ...client },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the rig-kubelet', { ...kubeRigSuiteOptions(), concurrency: true }, () => {
  let rig: KubeRigClient;
  let ns: string;

  /** Runs a command without a terminal; resolves with its output and final status. */
  async function exec(pod: string, command: string[], stdin?: string) {
    const stdout = new Collected();
    const stderr = new Collected();
    const input = stdin === undefined ? null : PassThrough.from([stdin]);
    const status = await new Promise<V1Status>((resolve, reject) => {
      new Exec(rig.kubeConfig)
        .exec(ns, pod, 'app', command, stdout, stderr, input, false, resolve)
        .catch(reject);
    });
    return { stdout: stdout.text, stderr: stderr.text, status };
  }

  before(async () => {
    rig = await useKubeRig();
    ns = await freshNamespace(rig, 'rig-kubelet');
    const pod = (name: string, image: string, annotations: Record<string, string> = {}) =>
      rig.core.createNamespacedPod({
        namespace: ns,
        body: {
          metadata: { name, annotations, labels: { app: name } },
          spec: { containers: [{ name: 'app', image, env: [{ name: 'GREETING', value: 'hello' }] }] },
        },
      });
    await Promise.all([
      pod('ticker', 'registry.rig/app:1', {
        [LOG_EVERY_ANNOTATION]: '200',
        [CPU_ANNOTATION]: '250',
        [MEMORY_ANNOTATION]: '64',
      }),
      pod('follower', 'registry.rig/app:1', { [LOG_EVERY_ANNOTATION]: '200' }),
      pod('quiet', 'registry.rig/app:1'),
      pod('crash', 'registry.rig/app:crashloop'),
    ]);
    await Promise.all(
      ['ticker', 'follower', 'quiet'].map((name) =>
        waitForObject<PodView>(
          rig,
          { path: `/api/v1/namespaces/${ns}/pods`, name },
          (object) => object.status?.phase === 'Running',
        ),
      ),
    );
  });

  test("a running container's log starts with its start line and goes on with ticks", async () => {
    const read = () => rig.core.readNamespacedPodLog({ name: 'ticker', namespace: ns, container: 'app' });
    let log = await read();
    assert.match(log, /^rig: started container app \(image registry\.rig\/app:1\)\n/);
    while (!log.includes('rig: tick 2\n')) log = await read();
    assert.match(
      log,
      /^rig: started container app \(image registry\.rig\/app:1\)\nrig: tick 1\nrig: tick 2\n/,
    );
  });

  test('tailLines, timestamps, limitBytes and sinceTime select and shape the lines', async () => {
    const read = (options: { tailLines?: number; timestamps?: boolean; limitBytes?: number }) =>
      rig.core.readNamespacedPodLog({ name: 'quiet', namespace: ns, container: 'app', ...options });
    assert.equal(await read({}), 'rig: started container app (image registry.rig/app:1)\n');
    const stamped = await read({ tailLines: 1, timestamps: true });
    assert.match(stamped, STAMPED);
    assert.equal(stamped.replace(STAMPED, ''), 'rig: started container app (image registry.rig/app:1)\n');
    assert.equal(await read({ limitBytes: 11 }), 'rig: starte');

    const readTicker = (tailLines?: number) =>
      rig.core.readNamespacedPodLog({ name: 'ticker', namespace: ns, container: 'app', tailLines });
    while (!(await readTicker()).includes('rig: tick 3\n'));
    assert.match(await readTicker(2), /^rig: tick (\d+)\nrig: tick \d+\n$/);

    const since = (sinceTime: string) => {
      const out = new Collected();
      return new Log(rig.kubeConfig)
        .log(ns, 'quiet', 'app', out, { sinceTime })
        .then(() => until('the end of the log', () => out.writableFinished))
        .then(() => out.text);
    };
    assert.equal(
      await since('2000-01-01T00:00:00Z'),
      'rig: started container app (image registry.rig/app:1)\n',
    );
    assert.equal(await since('2100-01-01T00:00:00Z'), '');
  });

  test('following a log receives ticks and what an exec writes to the container log', async () => {
    const out = new Collected();
    // client-node's Log pipes a stream it does not watch: aborting it would be an unhandled error.
    out.on('pipe', (source) => source.on('error', () => {}));
    const following = await new Log(rig.kubeConfig).log(ns, 'follower', 'app', out, {
      follow: true,
      tailLines: 1,
    });
    try {
      await until('three lines', () => out.text.split('\n').length > 3);
      const ticks = [...out.text.matchAll(/rig: tick (\d+)/g)].map((match) => Number(match[1]));
      assert.ok(
        ticks.length >= 2 && ticks.every((n, i) => i === 0 || n === (ticks[i - 1] ?? 0) + 1),
        out.text,
      );

      const { status } = await exec('follower', [
        'sh',
        '-c',
        `echo "printed by $HOSTNAME" >> "$${CONTAINER_LOG_ENV}"`,
      ]);
      assert.equal(status.status, 'Success');
      await until('the printed line', () => out.text.includes('\nprinted by follower\n'));
    } finally {
      following.abort();
    }
  });

  test('previous shows the log of the crashed run of a crash-looping container', async () => {
    await waitForObject<PodView>(
      rig,
      { path: `/api/v1/namespaces/${ns}/pods`, name: 'crash' },
      (pod) => pod.status?.containerStatuses?.[0]?.state.waiting?.reason === 'CrashLoopBackOff',
    );
    const previous = await rig.core.readNamespacedPodLog({
      name: 'crash',
      namespace: ns,
      container: 'app',
      previous: true,
    });
    assert.equal(
      previous,
      'rig: started container app (image registry.rig/app:crashloop)\nrig: app crashed: exit code 1\n',
    );
    // As on a kubelet: while the container waits to restart, its log is that of the run that crashed.
    const current = await rig.core.readNamespacedPodLog({ name: 'crash', namespace: ns, container: 'app' });
    assert.match(current, /rig: app crashed: exit code 1\n$/);

    const firstRun = await apiError(
      rig.core.readNamespacedPodLog({ name: 'ticker', namespace: ns, container: 'app', previous: true }),
    );
    assert.equal(firstRun.code, 400);
    assert.match(firstRun.message, /previous terminated container "app" in pod "ticker" not found/);
  });

  test('exec runs a command with the pod environment and reports its output and exit code', async () => {
    const failing = await exec(
      'quiet',
      ['sh', '-c', 'read line; echo "$GREETING from $HOSTNAME: $line"; echo oops >&2; exit 3'],
      'input\n',
    );
    assert.equal(failing.stdout, 'hello from quiet: input\n');
    assert.equal(failing.stderr, 'oops\n');
    assert.equal(failing.status.status, 'Failure');
    assert.equal(failing.status.reason, 'NonZeroExitCode');
    assert.deepEqual(failing.status.details?.causes, [{ reason: 'ExitCode', message: '3' }]);

    const succeeding = await exec('quiet', ['pwd']);
    assert.equal(succeeding.status.status, 'Success');
    assert.match(succeeding.stdout, /\/work\n$/);
  });

  test('exec on a terminal sees the terminal resized', async () => {
    const terminal = new Terminal();
    const stdin = new PassThrough();
    const finished = new Promise<V1Status>((resolve, reject) => {
      new Exec(rig.kubeConfig)
        .exec(ns, 'quiet', 'app', ['sh'], terminal, null, stdin, true, resolve)
        .catch(reject);
    });
    // The size travels apart from the input: ask until the shell sees it.
    const ask = async (size: string) => {
      const deadline = Date.now() + 15_000;
      while (!terminal.text.includes(`\r\n${size}\r\n`)) {
        if (Date.now() > deadline) throw new Error(`no "${size}" in ${JSON.stringify(terminal.text)}`);
        stdin.write('stty size\n');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    await ask('24 80');
    terminal.resize(40, 123);
    await ask('40 123');
    stdin.write('exit 7\n');
    const status = await finished;
    assert.deepEqual(status.details?.causes, [{ reason: 'ExitCode', message: '7' }]);
  });

  test('the metrics API reports the annotated usage of running containers', async () => {
    const { items } = await new Metrics(rig.kubeConfig).getPodMetrics(ns);
    const usage = Object.fromEntries(
      items.map((item) => [item.metadata.name, item.containers.map((c) => [c.name, c.usage])]),
    );
    // The crash-looping pod has no running container, so no metrics.
    assert.deepEqual(usage, {
      follower: [['app', { cpu: '5m', memory: '16Mi' }]],
      quiet: [['app', { cpu: '5m', memory: '16Mi' }]],
      ticker: [['app', { cpu: '250m', memory: '64Mi' }]],
    });
    assert.equal(items[0]?.window, '10s');

    // Readable with the `view` role (aggregated from the metrics reader role); one pod by name; 404s.
    const viewer = await serviceAccountToken(rig, { namespace: ns, name: 'viewer', clusterRole: 'view' });
    const custom = kubeConfigFrom(viewer.kubeconfig).makeApiClient(CustomObjectsApi);
    const metricsOf = (name: string) =>
      custom.getNamespacedCustomObject({
        group: 'metrics.k8s.io',
        version: 'v1beta1',
        namespace: ns,
        plural: 'pods',
        name,
      });
    const one = (await metricsOf('ticker')) as { containers: { usage: { cpu: string } }[] };
    assert.equal(one.containers[0]?.usage.cpu, '250m');
    assert.equal((await apiError(metricsOf('crash'))).code, 404);
  });

  test('unknown pods and containers are refused, and only the API server may ask the kubelet', async () => {
    const unknownContainer = await apiError(
      rig.core.readNamespacedPodLog({ name: 'ticker', namespace: ns, container: 'nope' }),
    );
    assert.deepEqual(unknownContainer, { code: 400, message: 'container nope is not valid for pod ticker' });
    assert.equal(
      (await apiError(rig.core.readNamespacedPodLog({ name: 'nobody', namespace: ns }))).code,
      404,
    );

    const pki = join(rig.info.dataDir, 'pki');
    const asApiServer = {
      cert: readFileSync(join(pki, 'kubelet-client.crt'), 'utf8'),
      key: readFileSync(join(pki, 'kubelet-client.key'), 'utf8'),
    };
    assert.deepEqual(await kubeletGet(rig, `/containerLogs/${ns}/ticker/nope`, asApiServer), {
      status: 404,
      body: 'container "nope" not found in pod "ticker"\n',
    });
    assert.equal((await kubeletGet(rig, `/containerLogs/${ns}/nobody/app`, asApiServer)).status, 404);
    assert.equal((await kubeletGet(rig, `/containerLogs/${ns}/ticker/app`)).status, 401);
    const asAdmin = {
      cert: readFileSync(join(pki, 'admin.crt'), 'utf8'),
      key: readFileSync(join(pki, 'admin.key'), 'utf8'),
    };
    assert.equal((await kubeletGet(rig, `/containerLogs/${ns}/ticker/app`, asAdmin)).status, 403);
  });
});
