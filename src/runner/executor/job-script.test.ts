import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { echoText, renderJobScript, shellQuote } from './job-script.ts';

const scratch = mkdtempSync(join(tmpdir(), 'gantry-script-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const ESC = '\u001b';
let counter = 0;

/** Runs the rendered script with `shell`; stderr is not captured separately, as the script merges it. */
function runWith(shell: string, commands: string[]): { code: number | null; out: string } {
  const file = join(scratch, `script-${counter++}.sh`);
  writeFileSync(file, renderJobScript(commands));
  const result = spawnSync(shell, [file], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  return { code: result.status, out: result.stdout };
}

// bash and busybox are real dependencies: outside CI a missing one is left out, in CI its tests fail.
const shells = ['bash', 'sh', '/bin/busybox'].filter(
  (shell) =>
    process.env.CI === 'true' ||
    (shell.startsWith('/') ? existsSync(shell) : spawnSync(shell, ['-c', 'true']).status === 0),
);

test('shellQuote survives quotes, dollars and backticks', () => {
  const nasty = `it's $HOME \`id\` "x" \\ end`;
  const out = spawnSync('sh', ['-c', `printf '%s' ${shellQuote(nasty)}`], { encoding: 'utf8' }).stdout;
  assert.equal(out, nasty);
});

test('a multi-line command is echoed by its first line, marked collapsed', () => {
  assert.equal(echoText('echo one'), 'echo one');
  assert.equal(echoText('if true; then\n  echo x\nfi'), 'if true; then # collapsed multi-line command');
});

for (const shellName of shells) {
  const shell = shellName === '/bin/busybox' ? join(scratch, 'busybox', 'sh') : shellName;
  if (shellName === '/bin/busybox') {
    // busybox runs the applet named by argv[0]: a link named `sh` makes it the shell.
    mkdirSync(dirname(shell));
    symlinkSync('/bin/busybox', shell);
  }
  const hasPipefail = spawnSync(shell, ['-c', 'set -o pipefail']).status === 0;
  describe(`generated script under ${shellName}`, () => {
    test('echoes each command in green before running it', () => {
      const { code, out } = runWith(shell, ['echo one', 'echo two']);
      assert.equal(code, 0);
      assert.equal(out, `${ESC}[32;1m$ echo one${ESC}[0;m\none\n${ESC}[32;1m$ echo two${ESC}[0;m\ntwo\n`);
    });

    test('stops at the first failing command with its exit code', () => {
      const { code, out } = runWith(shell, ['echo before', 'sh -c "exit 7"', 'echo after']);
      assert.equal(code, 7);
      assert.match(out, /before/);
      assert.doesNotMatch(out, /after/);
    });

    test('merges stderr into the output in order', () => {
      const { out } = runWith(shell, ['echo out1; echo err1 >&2; echo out2']);
      assert.match(out, /out1\nerr1\nout2\n/);
    });

    test('runs a multi-line entry as one command', () => {
      const { code, out } = runWith(shell, ['for i in 1 2; do\n  echo "n=$i"\ndone', 'echo done']);
      assert.equal(code, 0);
      assert.match(out, /n=1\nn=2\n/);
      assert.match(out, /for i in 1 2; do # collapsed multi-line command/);
    });

    test(`a failing pipeline ${hasPipefail ? 'fails the script (pipefail)' : 'passes (this shell has no pipefail)'}`, () => {
      const { code } = runWith(shell, ['false | true', 'echo after']);
      assert.equal(code, hasPipefail ? 1 : 0);
    });

    test('a command with quotes is echoed verbatim', () => {
      const { out } = runWith(shell, [`echo "it's" '$HOME'`]);
      assert.match(out, /\$ echo "it's" '\$HOME'/);
      assert.match(out, /it's \$HOME\n/);
    });

    test('blank entries are skipped', () => {
      const { code, out } = runWith(shell, ['', '   ', 'echo only']);
      assert.equal(code, 0);
      assert.equal(out.split('$ ').length, 2);
    });
  });
}
