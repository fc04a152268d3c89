import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { remoteScript } from './remote-script.ts';

/** Runs a remote script under the local sh, as the remote login shell would, keeping input open until it ends. */
async function runLocally(script: { commandLine: string; input: string }, keepOpen = true) {
  const child = spawn('/bin/sh', ['-c', script.commandLine], { stdio: 'pipe' });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stdin.write(script.input);
  if (!keepOpen) child.stdin.end();
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  child.stdin.destroy();
  return { code, output };
}

test('the script runs with its environment and directory, stderr merged, and its exit status', async () => {
  const script = remoteScript(
    'echo "$GREETING from $(pwd)"; echo oops >&2; read -r line || echo "no input"; exit 3',
    { cwd: '/tmp', env: { GREETING: "it's $HOME" } },
    'END-1',
  );
  assert.doesNotMatch(
    script.commandLine,
    /GREETING|oops/,
    'neither command nor values are on the command line',
  );
  assert.deepEqual(await runLocally(script), { code: 3, output: "it's $HOME from /tmp\noops\nno input\n" });
});

test('a script cut short before its sentinel does not run', async () => {
  const script = remoteScript('echo ran', {}, 'END-2');
  assert.deepEqual(await runLocally({ ...script, input: 'echo ran\n' }, false), { code: 255, output: '' });
});

test('a missing directory fails the command before it runs', async () => {
  const result = await runLocally(remoteScript('echo ran', { cwd: '/nonexistent/dir' }, 'END-3'));
  assert.equal(result.code, 1);
  assert.doesNotMatch(result.output, /ran/);
});

test('the end of input stops the script and what it runs', async () => {
  const script = remoteScript('echo started; sleep 30; echo finished', {}, 'END-4');
  const child = spawn('/bin/sh', ['-c', script.commandLine], { stdio: 'pipe' });
  child.stdout.setEncoding('utf8');
  child.stdin.write(script.input);
  let output = '';
  await new Promise<void>((resolve) =>
    child.stdout.on('data', (text: string) => {
      output += text;
      if (output.includes('started')) resolve();
    }),
  );
  child.stdin.end();
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.notEqual(code, 0);
  assert.doesNotMatch(output, /finished/);
});

test('bad environment names are refused', () => {
  assert.throws(() => remoteScript('true', { env: { 'A-B': 'x' } }, 'END'), /"A-B" is not valid/);
});
