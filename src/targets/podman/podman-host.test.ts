import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fakePodmanHost } from '../../../test/podman/fake-podman.ts';
import type { GantryError } from '../../domain/errors.ts';
import { PodmanHost, podmanMessage } from './podman-host.ts';
import { mergePodmanSettings } from './podman-settings.ts';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----';

test('every command gets the target settings as CONTAINERS_CONF, and --url/--identity for SSH hosts', async () => {
  const fake = await fakePodmanHost('echo "$@"; cat "$CONTAINERS_CONF"; stat -c %a "$4" 2>/dev/null', {
    url: 'ssh://core@host.example/run/podman/podman.sock',
    ssh_key: KEY,
    runtime: 'crun',
    ulimits: ['nofile=512:512'],
  });
  try {
    const output = await fake.host.run(['info']);
    const [args, ...conf] = output.split('\n');
    assert.match(
      args!,
      /^--url ssh:\/\/core@host\.example\/run\/podman\/podman\.sock --identity \S+\/identity info$/,
    );
    assert.match(conf.join('\n'), /runtime = "crun"/);
    assert.match(conf.join('\n'), /default_ulimits = \["nofile=512:512"\]/);
    assert.match(output, /^600$/m, 'the key file is 0600');
    assert.equal(fake.host.where, 'ssh://core@host.example/run/podman/podman.sock');
  } finally {
    await fake.close();
  }
  assert.deepEqual(await readdir(join(fake.dir, 'scratch')).catch(() => []), [], 'close removes the session');
});

test('a local host runs plain podman; files written for it are private', async () => {
  const fake = await fakePodmanHost('echo "$@"');
  try {
    assert.equal((await fake.host.run(['ps'])).trim(), 'ps');
    const file = await fake.host.file('play.yaml', 'kind: Pod\n');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal(fake.host.where, 'the Gantry server');
  } finally {
    await fake.close();
  }
});

test('errors say what to do: install podman, reach the host, get permission', async () => {
  const missing = await PodmanHost.open({
    ...mergePodmanSettings({}, null),
    scratchDir: join(process.env.TMPDIR ?? '/tmp', 'gantry-podman-missing'),
    binary: '/nonexistent/podman',
  });
  try {
    await assert.rejects(missing.run(['info']), (error: GantryError) => {
      assert.equal(error.code, 'unavailable');
      assert.match(error.message, /podman is not installed on the Gantry server .*apt-get install podman/);
      return true;
    });
  } finally {
    await missing.close();
  }
  const unreachable = await fakePodmanHost(
    "echo 'Error: unable to connect to Podman socket: dial unix /nope.sock: connect: no such file or directory' >&2; exit 125",
    { url: 'unix:///nope.sock' },
  );
  const denied = await fakePodmanHost(
    "echo 'Error: open /run/podman/podman.sock: permission denied' >&2; exit 125",
  );
  const failing = await fakePodmanHost(
    'echo \'time="x" level=warning msg="noise"\' >&2; echo \'Error: no such pod\' >&2; exit 125',
  );
  try {
    await assert.rejects(
      unreachable.host.run(['info']),
      /cannot reach Podman at unix:\/\/\/nope\.sock: unable to connect/,
    );
    await assert.rejects(
      denied.host.run(['info']),
      /permission denied .*Gantry's user needs the right to use Podman/,
    );
    await assert.rejects(
      failing.host.run(['pod', 'rm', 'x']),
      /^Error: podman pod rm failed on the Gantry server: no such pod$/,
    );
    const output = await failing.host.attempt(['pod', 'rm', 'x']);
    assert.equal(output.code, 125);
  } finally {
    await unreachable.close();
    await denied.close();
    await failing.close();
  }
});

test('commands are aborted by the signal and killed after their time limit', async () => {
  const fake = await fakePodmanHost('exec sleep 30');
  try {
    const controller = new AbortController();
    const running = fake.host.run(['kube', 'play'], { signal: controller.signal });
    controller.abort(new Error('the job was canceled'));
    await assert.rejects(running, /the job was canceled/);
    await assert.rejects(
      fake.host.run(['kube', 'play'], { timeoutMs: 50 }),
      /podman kube play did not finish in time/,
    );
  } finally {
    await fake.close();
  }
});

test("podman's message is its Error line, else its last line that is not a log record", () => {
  assert.equal(podmanMessage('time="t" level=error msg="systemd"\nError: volume exists\n'), 'volume exists');
  assert.equal(podmanMessage('time="t" level=error msg="a"\nsomething broke\n'), 'something broke');
  assert.equal(podmanMessage(''), 'no message');
});

test('published ports are reached at the publish address, loopback for wildcards, the SSH host for remote wildcards', async () => {
  const at = async (settings: Parameters<typeof mergePodmanSettings>[0]) => {
    const host = await PodmanHost.open({
      ...mergePodmanSettings(settings, null),
      scratchDir: join(process.env.TMPDIR ?? '/tmp', 'gantry-podman-address'),
    });
    await host.close();
    return host.reachableAddress;
  };
  assert.equal(await at({}), '127.0.0.1');
  assert.equal(await at({ publish_address: '0.0.0.0' }), '127.0.0.1');
  assert.equal(await at({ publish_address: '10.0.0.5' }), '10.0.0.5');
  const ssh = { url: 'ssh://core@shop.example/run/podman/podman.sock', ssh_key: KEY };
  assert.equal(await at({ ...ssh, publish_address: '0.0.0.0' }), 'shop.example');
  assert.equal(await at({ ...ssh, publish_address: '192.0.2.7' }), '192.0.2.7');
  assert.equal(await at(ssh), null, "a remote host's loopback cannot be reached");
});
