import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { containersConf } from '../../src/podman/containers-conf.ts';
import { SecretBox } from '../../src/secrets/secret-box.ts';
import type {
  EnvironmentOperations,
  ExecSession,
  LogChunk,
  LogRequest,
} from '../../src/targets/environment-operations.ts';
import { openCliExecSession } from '../../src/targets/podman/cli-exec-session.ts';
import { openPodmanOperations } from '../../src/targets/podman/environment-operations.ts';
import { openPodmanHost, type PodmanAccess } from '../../src/targets/podman/podman-connection.ts';
import { ensurePodmanTestImage } from '../runner/podman-test-image.ts';
import { type ScratchDir, scratchDir } from '../support/git-work-tree.ts';
import { eventually } from '../support/pipeline-helpers.ts';
import { podmanRow } from './fake-podman.ts';
import { cleanUpPodman, podman, podmanDependency } from './podman-helpers.ts';

// The Podman target's environment operations on this host's real Podman: containers, logs (tail,
// follow, merged, previous run, back-pressure), a terminal (typing, resize, exit codes, close) and
// resource samples, on pods played here from busybox.

const run = randomBytes(3).toString('hex');
const key = `podops-${run}`;
const PROJECT_ID = 41;
const chatty = `${key}-chatty`;
const crash = `${key}-crash`;
const flood = `${key}-flood`;
const TIMESTAMPED = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z /;

function pod(name: string, containers: Record<string, string>): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: { gantry.dev/environment-key: ${key}, gantry.dev/project: "${PROJECT_ID}" }
spec:
  restartPolicy: Always
  containers:
${Object.entries(containers)
  .map(
    ([container, script]) =>
      `    - name: ${container}\n      image: IMAGE\n      command: ["sh", "-c", ${JSON.stringify(script)}]`,
  )
  .join('\n')}
`;
}

async function collect(chunks: AsyncIterable<LogChunk>): Promise<LogChunk[]> {
  const all: LogChunk[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

const request = (fields: Partial<LogRequest>): LogRequest => ({
  follow: false,
  signal: AbortSignal.timeout(60_000),
  ...fields,
});

/** The lines of a container's chunks, without their timestamps (which every line must start with). */
function lines(chunks: readonly LogChunk[], source: string): string[] {
  return chunks
    .filter((chunk) => chunk.source === source)
    .flatMap((chunk) => chunk.text.split('\n').slice(0, -1))
    .map((line) => {
      assert.match(line, TIMESTAMPED);
      return line.slice(line.indexOf(' ') + 1);
    });
}

/** The terminal's output so far, as text. */
function screen(session: ExecSession): () => string {
  let text = '';
  const decoder = new TextDecoder();
  session.onOutput((data) => {
    text += decoder.decode(data, { stream: true });
  });
  return () => text;
}

const type = (session: ExecSession, text: string) => session.write(new TextEncoder().encode(text));

describe('Podman environment operations', podmanDependency.options, () => {
  let scratch: ScratchDir;
  let access: PodmanAccess;
  let operations: EnvironmentOperations;
  const target = () => podmanRow(access.secrets);

  before(async () => {
    podmanDependency.assertPresent();
    const image = await ensurePodmanTestImage();
    scratch = await scratchDir('gantry-podman-ops-');
    access = { secrets: new SecretBox(randomBytes(32)), scratchDir: join(scratch.path, 'sessions') };
    const yaml = [
      pod(chatty, {
        talk: 'for i in 1 2 3 4 5; do echo line $i; done; exec sleep 100000',
        side: 'echo side up; exec sleep 100000',
        pieces: 'printf abc; sleep 1; echo def; exec sleep 100000',
      }),
      pod(crash, {
        once: 'if [ -f /tmp/ran ]; then echo second run; exec sleep 100000; fi; touch /tmp/ran; echo first run; exit 3',
      }),
    ]
      .join('---\n')
      .replaceAll('IMAGE', image);
    await writeFile(join(scratch.path, 'containers.conf'), containersConf());
    const file = join(scratch.path, 'pods.yaml');
    await writeFile(file, yaml);
    await podman(['kube', 'play', file]);
    operations = await openPodmanOperations({
      target: target(),
      podman: access,
      namePrefix: `${key}-`,
      projectId: PROJECT_ID,
      ports: [],
    });
    await eventually(
      async () => {
        const containers = await operations.containers();
        const running = containers.filter((container) => container.state === 'running');
        const restarted = containers.find((container) => container.container === 'once')?.restarts ?? 0;
        return running.length === 4 && restarted > 0 ? true : undefined;
      },
      async () => `pods not running: ${JSON.stringify(await operations.containers())}`,
    );
  });
  after(async () => {
    await operations?.close();
    await cleanUpPodman(key);
    await scratch?.cleanup();
  });

  test('containers: every container of the pods, as declared, with its restarts', async () => {
    const containers = await operations.containers();
    assert.deepEqual(
      containers.map(({ pod, container, state, hasPrevious }) => ({ pod, container, state, hasPrevious })),
      [
        { pod: chatty, container: 'pieces', state: 'running', hasPrevious: false },
        { pod: chatty, container: 'side', state: 'running', hasPrevious: false },
        { pod: chatty, container: 'talk', state: 'running', hasPrevious: false },
        { pod: crash, container: 'once', state: 'running', hasPrevious: true },
      ],
    );
    assert.equal(containers[3]!.restarts, 1);
  });

  test('logs: the tail of one container, each line timestamped, tagged with its source', async () => {
    const chunks = await collect(operations.logs(request({ pod: chatty, container: 'talk', tailLines: 2 })));
    assert.deepEqual(lines(chunks, `${chatty}/talk`), ['line 4', 'line 5']);
    assert.deepEqual(new Set(chunks.map((chunk) => chunk.source)), new Set([`${chatty}/talk`]));
  });

  test('logs: several containers merged, each chunk tagged with the container it came from', async () => {
    const chunks = await collect(operations.logs(request({ pod: chatty })));
    assert.deepEqual(lines(chunks, `${chatty}/talk`), ['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
    assert.deepEqual(lines(chunks, `${chatty}/side`), ['side up']);
  });

  test('logs: a line written in pieces comes whole, with the timestamp of its first piece only', async () => {
    await eventually(
      async () => {
        const chunks = await collect(operations.logs(request({ container: 'pieces' })));
        return chunks.some((chunk) => chunk.text.includes('def')) ? true : undefined;
      },
      () => 'the line was never written',
    );
    const chunks = await collect(operations.logs(request({ container: 'pieces' })));
    assert.deepEqual(lines(chunks, `${chatty}/pieces`), ['abcdef']);
  });

  test('logs: a follow receives a line written later, and ends when the consumer stops', async () => {
    const stream = operations.logs(request({ container: 'talk', follow: true }));
    const marker = `written later ${run}`;
    let seen = '';
    let wrote = false;
    for await (const chunk of stream) {
      seen += chunk.text;
      if (!wrote && seen.includes('line 5')) {
        wrote = true;
        await podman(['exec', `${chatty}-talk`, 'sh', '-c', `echo ${marker} > /proc/1/fd/1`]);
      }
      if (seen.includes(marker)) break;
    }
    assert.match(seen, new RegExp(`Z ${marker}\\n`));
  });

  test('logs: previous is the earlier run only, and the current log is the last run only', async () => {
    const previous = await collect(operations.logs(request({ pod: crash, previous: true })));
    assert.deepEqual(lines(previous, `${crash}/once`), ['first run']);
    const current = await collect(operations.logs(request({ pod: crash, container: 'once' })));
    assert.deepEqual(lines(current, `${crash}/once`), ['second run']);
    const tail = await collect(operations.logs(request({ pod: crash, previous: true, tailLines: 1 })));
    assert.deepEqual(lines(tail, `${crash}/once`), ['first run']);
  });

  test('logs: unknown names are not found and say what exists; previous of a container never restarted is a conflict', async () => {
    await assert.rejects(
      collect(operations.logs(request({ pod: 'nope' }))),
      (error: Error & { code: string }) => {
        assert.equal(error.code, 'not_found');
        assert.match(error.message, new RegExp(`there are ${chatty}, ${crash}`));
        return true;
      },
    );
    await assert.rejects(
      collect(operations.logs(request({ pod: chatty, container: 'web' }))),
      /container web is not in pod .* \(there are pieces, side, talk\)/,
    );
    await assert.rejects(
      collect(operations.logs(request({ pod: chatty, container: 'talk', previous: true }))),
      (error: Error & { code: string }) => error.code === 'conflict',
    );
  });

  test('exec: a terminal that echoes what is typed, resizes, and ends with the exit code', async () => {
    const session = await operations.exec({
      command: ['sh'],
      size: { cols: 100, rows: 30 },
      signal: AbortSignal.timeout(60_000),
    });
    // By default the first pod's container declared first (not the first by name, pieces).
    assert.deepEqual([session.pod, session.container], [chatty, 'talk']);
    const output = screen(session);
    type(session, 'stty size\n');
    await eventually(async () => (output().includes('30 100') ? true : undefined), output, 10_000);
    type(session, `echo hi-${run}\n`);
    await eventually(async () => (output().includes(`\nhi-${run}`) ? true : undefined), output, 10_000);
    session.resize({ cols: 132, rows: 40 });
    // The resize call and the keystrokes travel separately: ask until the new size shows.
    await eventually(
      async () => {
        type(session, 'stty size\n');
        await new Promise((resolve) => setTimeout(resolve, 100));
        return output().includes('40 132') ? true : undefined;
      },
      output,
      10_000,
    );

    // Keystroke round trip: a character typed until its echo comes back (reported, not asserted).
    const echoes = () => output().split('x').length - 1;
    let typed = echoes();
    let echoed: (() => void) | undefined;
    session.onOutput(() => {
      if (echoes() >= typed) echoed?.();
    });
    const trips: number[] = [];
    for (let i = 0; i < 50; i++) {
      const started = performance.now();
      await new Promise<void>((resolve) => {
        echoed = resolve;
        typed += 1;
        type(session, 'x');
      });
      trips.push(performance.now() - started);
    }
    trips.sort((a, b) => a - b);
    console.log(
      `keystroke round trip over the libpod API: p50 ${trips[24]!.toFixed(2)} ms, p99 ${trips[49]!.toFixed(2)} ms`,
    );

    type(session, '\u0015exit 0\n');
    assert.deepEqual(await session.exited, { exitCode: 0 });
  });

  test("exec: the command's exit code, also of a command not found", async () => {
    const exec = (command: string[]) =>
      operations.exec({
        pod: crash,
        command,
        size: { cols: 80, rows: 24 },
        signal: AbortSignal.timeout(60_000),
      });
    const three = await exec(['sh', '-c', 'exit 3']);
    assert.equal(three.container, 'once');
    assert.deepEqual(await three.exited, { exitCode: 3 });
    const missing = await exec(['no-such-command']);
    const output = screen(missing);
    assert.deepEqual(await missing.exited, { exitCode: 127 });
    assert.match(output(), /no-such-command/);
  });

  test('exec: close kills the command and ends the session; an aborted signal does too', async () => {
    const marker = `${6000 + Math.floor(Math.random() * 999)}`;
    const processes = async () => podman(['exec', `${chatty}-side`, 'ps']);
    for (const how of ['close', 'abort'] as const) {
      const abort = new AbortController();
      const session = await operations.exec({
        pod: chatty,
        container: 'side',
        command: ['sleep', marker],
        size: { cols: 80, rows: 24 },
        signal: abort.signal,
      });
      await eventually(
        async () => ((await processes()).includes(`sleep ${marker}`) ? true : undefined),
        processes,
      );
      if (how === 'close') session.close();
      else abort.abort();
      assert.deepEqual(await session.exited, { exitCode: null });
      await eventually(
        async () => ((await processes()).includes(`sleep ${marker}`) ? undefined : true),
        processes,
      );
    }
  });

  test('exec through the podman CLI (SSH hosts): output and exit code, no resize', async () => {
    const host = await openPodmanHost(target(), access);
    try {
      const session = openCliExecSession({
        host,
        pod: chatty,
        container: 'talk',
        podmanName: `${chatty}-talk`,
        command: ['sh', '-c', 'read line; echo got $line; exit 4'],
        signal: AbortSignal.timeout(60_000),
      });
      const output = screen(session);
      session.resize({ cols: 10, rows: 10 });
      type(session, 'typed\n');
      assert.deepEqual(await session.exited, { exitCode: 4 });
      assert.match(output(), /got typed/);
    } finally {
      await host.close();
    }
  });

  test("through a target's unix:// socket: logs, and a terminal that a close hangs up", async () => {
    const socket = join(scratch.path, 'podman.sock');
    const service = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], {
      env: { ...process.env, CONTAINERS_CONF: join(scratch.path, 'containers.conf') },
      stdio: 'ignore',
    });
    const remote = await openPodmanOperations({
      target: podmanRow(access.secrets, { url: `unix://${socket}` }),
      podman: access,
      namePrefix: `${key}-`,
      projectId: PROJECT_ID,
      ports: [],
    });
    try {
      await eventually(
        () =>
          stat(socket).then(
            () => true,
            () => undefined,
          ),
        () => `podman system service did not create ${socket}`,
      );
      const chunks = await collect(remote.logs(request({ container: 'talk', tailLines: 2 })));
      assert.deepEqual(lines(chunks, `${chatty}/talk`), ['line 5', `written later ${run}`]);

      const exec = (command: string[]) =>
        remote.exec({
          pod: chatty,
          container: 'talk',
          command,
          size: { cols: 90, rows: 20 },
          signal: AbortSignal.timeout(60_000),
        });
      const sized = await exec(['sh', '-c', 'stty size; exit 5']);
      const output = screen(sized);
      assert.deepEqual(await sized.exited, { exitCode: 5 });
      assert.match(output(), /20 90/);

      const shells = async () =>
        String((await podman(['exec', `${chatty}-talk`, 'ps'])).match(/ sh\s*$/gm)?.length ?? 0);
      const shell = await exec(['sh']);
      const prompt = screen(shell);
      await eventually(async () => (prompt().includes('#') ? true : undefined), prompt);
      assert.equal(await shells(), '1');
      shell.close();
      assert.deepEqual(await shell.exited, { exitCode: null });
      await eventually(async () => ((await shells()) === '0' ? true : undefined), shells);
    } finally {
      await remote.close();
      service.kill();
    }
  });

  test('sample: memory and CPU of every container, with restarts', async () => {
    const first = await operations.sample();
    const second = await operations.sample();
    for (const samples of [first, second]) {
      assert.deepEqual(
        samples.map((sample) => `${sample.pod}/${sample.container}`),
        [`${chatty}/pieces`, `${chatty}/side`, `${chatty}/talk`, `${crash}/once`],
      );
      for (const sample of samples) {
        assert.ok(sample.memoryBytes > 0, `${sample.container} uses memory: ${JSON.stringify(sample)}`);
        assert.ok(Number.isFinite(sample.cpuCores) && sample.cpuCores >= 0, JSON.stringify(sample));
      }
      assert.equal(samples[3]!.restarts, 1);
    }
  });

  test('logs: a follow goes on after the container crashed and runs again, without repeating lines', async () => {
    const again = `${key}-again`;
    const file = join(scratch.path, 'again.yaml');
    await writeFile(
      file,
      pod(again, {
        // The pause before the crash lets `podman exec` read its own session's end first (Podman 4.3
        // fails the exec with "exec died event … not found" when the container dies meanwhile).
        loop: 'echo run; while [ ! -f /tmp/crash ]; do sleep 0.1; done; rm /tmp/crash; sleep 1; exit 1',
      }).replaceAll('IMAGE', await ensurePodmanTestImage()),
    );
    await podman(['kube', 'play', file]);
    const seen: string[] = [];
    for await (const chunk of operations.logs(request({ pod: again, follow: true }))) {
      seen.push(...lines([chunk], `${again}/loop`));
      // A crash: its restart policy starts it again, and it says `run` once more.
      if (seen.length === 1) await podman(['exec', `${again}-loop`, 'touch', '/tmp/crash']);
      if (seen.length >= 2) break;
    }
    assert.deepEqual(seen, ['run', 'run']);
  });

  test('logs: a reader that does not pull holds no more than a chunk, however much the container writes', async () => {
    const megabytes = 150;
    const file = join(scratch.path, 'flood.yaml');
    await writeFile(
      file,
      pod(flood, {
        yes: `yes "$(printf %01000d 0 | tr 0 x)" | head -c ${megabytes}000000; touch /tmp/done; exec sleep 100000`,
      }).replaceAll('IMAGE', await ensurePodmanTestImage()),
    );
    await podman(['kube', 'play', file]);
    const abort = new AbortController();
    const iterator = operations
      .logs(request({ pod: flood, follow: true, signal: abort.signal }))
      [Symbol.asyncIterator]();
    try {
      const first = await iterator.next();
      assert.match((first.value as LogChunk).text, /^\S+Z x{1000}\n/);
      // What holding the log would take: Buffers (pipe data) and the JavaScript heap (strings).
      const used = () => {
        const memory = process.memoryUsage();
        return memory.arrayBuffers + memory.heapUsed;
      };
      const before = used();
      // Not pulling while the container writes all of it.
      await eventually(
        () =>
          podman(['exec', `${flood}-yes`, 'test', '-e', '/tmp/done']).then(
            () => true,
            () => undefined,
          ),
        () => 'the flood did not end',
        120_000,
      );
      const grown = used() - before;
      console.log(
        `memory while not pulling ${megabytes} MB of log: grew ${(grown / 1024 / 1024).toFixed(1)} MB (heap and buffers)`,
      );
      assert.ok(
        grown < 32 * 1024 * 1024,
        `the process grew by ${grown} bytes while ${megabytes} MB were written`,
      );
      // Reading goes on where it stopped.
      const next = await iterator.next();
      assert.match((next.value as LogChunk).text, /Z x{1000}\n/);
    } finally {
      await iterator.return?.();
      abort.abort();
    }
  });

  test('exec in a container that is not running is a conflict', async () => {
    await podman(['stop', '--time', '0', `${crash}-once`]);
    await assert.rejects(
      operations.exec({
        pod: crash,
        command: ['sh'],
        size: { cols: 80, rows: 24 },
        signal: AbortSignal.timeout(60_000),
      }),
      (error: Error & { code: string }) =>
        error.code === 'conflict' &&
        /container once of pod .* is exited: a command can only run in a running container/.test(
          error.message,
        ),
    );
  });
});
