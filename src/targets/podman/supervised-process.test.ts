import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SupervisedProcess, supervisedArgv } from './supervised-process.ts';

function supervise(argv: string[]): SupervisedProcess {
  const [file, ...args] = supervisedArgv(argv);
  return new SupervisedProcess(spawn(file!, args, { stdio: 'pipe' }));
}

function runs(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until `check` holds; fails after 20 s. */
async function until(check: () => boolean, what: string) {
  for (let tries = 0; !check(); tries++) {
    if (tries > 2000) assert.fail(`timed out waiting until ${what}`);
    await sleep(10);
  }
}

test('the command runs with its own output on stderr; the supervisor says its pid and exits with its status', async () => {
  const supervised = supervise(['sh', '-c', 'echo "I am $$"; echo complaint >&2; exit 3']);
  let stdout = '';
  let stderr = '';
  supervised.child.stdout.on('data', (text: string) => {
    stdout += text;
  });
  supervised.child.stderr.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  assert.deepEqual(await supervised.exited, { code: 3, signal: null });
  assert.match(stdout, /^\d+\n$/);
  assert.equal(stderr, `I am ${stdout.trim()}\ncomplaint\n`);
  assert.equal(supervised.pid, undefined);
  assert.equal(supervised.running, false);
});

test('stop ends the input: the command gets SIGTERM and the supervisor ends', async () => {
  const supervised = supervise(['sleep', '1000']);
  await until(() => supervised.pid !== undefined, 'the pid is known');
  const pid = supervised.pid!;
  assert.ok(runs(pid));
  await supervised.stop(5_000);
  assert.equal(runs(pid), false);
  // The shell reports a command killed by SIGTERM as 128 + 15.
  assert.deepEqual(await supervised.exited, { code: 143, signal: null });
  await supervised.stop(5_000);
});

test('a command that ignores SIGTERM is killed after the grace time', async () => {
  const supervised = supervise(['sh', '-c', 'trap "" TERM; echo ready >&2; while :; do sleep 1; done']);
  let ready = false;
  supervised.child.stderr.once('data', () => {
    ready = true;
  });
  await until(() => supervised.pid !== undefined && ready, 'the trap is set');
  const pid = supervised.pid!;
  await supervised.stop(100);
  await until(() => !runs(pid), 'the command is gone');
});

test('a command not found exits 127', async () => {
  assert.equal((await supervise(['/no/such/command']).exited).code, 127);
});

test('the command does not outlive the process that started it, even one killed by SIGKILL', async () => {
  const parent = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { spawn } from 'node:child_process';
       import { supervisedArgv } from ${JSON.stringify(new URL('./supervised-process.ts', import.meta.url).href)};
       const [file, ...args] = supervisedArgv(['sleep', '1000']);
       spawn(file, args, { stdio: ['pipe', 'inherit', 'inherit'] });
       setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = (await once(createInterface({ input: parent.stdout }), 'line')) as [string];
  const pid = Number(line);
  assert.ok(pid > 0 && runs(pid), `the supervisor said ${line}`);
  parent.kill('SIGKILL');
  await until(() => !runs(pid), `sleep (${pid}) is gone`);
});
