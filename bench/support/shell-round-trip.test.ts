import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ShellClient } from '../../test/operations/operations-clients.ts';
import { keystrokeRoundTrips, setPrompt } from './shell-round-trip.ts';

/** A terminal that echoes what is typed as busybox's line editor does, and prints the prompt on Enter. */
function echoingShell(): ShellClient & { typed: string[] } {
  let output = '/ # ';
  let prompt = '/ # ';
  const typed: string[] = [];
  return {
    typed,
    output: () => output,
    messages: [],
    type(text) {
      typed.push(text);
      if (text.endsWith('\r')) {
        const assignment = /^PS1='(.*)'\r$/.exec(text);
        if (assignment) prompt = assignment[1]!.replace("''", '');
        output += `${text.slice(0, -1)}\r\n${prompt}\u001b[6n`;
      } else output += text;
    },
    resize() {},
    async waitFor(text, from = 0) {
      const rest = output.slice(from);
      assert.ok(typeof text === 'string' ? rest.includes(text) : text.test(rest), `no ${text} in ${rest}`);
    },
    closed: new Promise(() => {}),
    close() {},
  };
}

test('the prompt is set so that its own echo does not show it', async () => {
  const shell = echoingShell();
  await setPrompt(shell);
  assert.deepEqual(shell.typed, ["PS1='R''T> '\r"]);
  assert.ok(shell.output().endsWith('RT> \u001b[6n'));
});

test('letters are typed one at a time into comment lines of 40, each timed until its echo', async () => {
  const shell = echoingShell();
  await setPrompt(shell);
  const times = await keystrokeRoundTrips(shell, 85, { gapMs: 0 });
  assert.equal(times.length, 85);
  assert.ok(times.every((ms) => ms >= 0));
  const typed = shell.typed.slice(1);
  // "# ", 40 letters, Enter; twice; then "# " and the last 5 letters.
  assert.equal(typed.length, 2 * 42 + 1 + 5);
  assert.deepEqual(typed.slice(0, 3), ['# ', 'a', 'b']);
  assert.equal(typed[41], '\r');
  assert.equal(typed[42], '# ');
  assert.equal(typed.at(-1), String.fromCharCode('a'.charCodeAt(0) + (84 % 26)));
});

test('a run ends early when asked', async () => {
  const shell = echoingShell();
  let left = 3;
  const times = await keystrokeRoundTrips(shell, 100, { gapMs: 0, stop: () => left-- === 0 });
  assert.equal(times.length, 3);
});
