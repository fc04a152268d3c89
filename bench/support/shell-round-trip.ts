import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ShellClient } from '../../test/operations/operations-clients.ts';

/** The prompt the benchmark gives the shell, so the end of a line's output can be recognised. */
const PROMPT = 'RT> ';
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
/** Letters per line: with the prompt and `# ` well within 80 columns, so the line editor never wraps. */
const LINE_LETTERS = 40;

/**
 * Sets a known prompt in a busybox `sh` with a terminal. The command is typed so that its echo
 * does not itself contain the prompt (`'R''T> '`).
 */
export async function setPrompt(shell: ShellClient): Promise<void> {
  const mark = shell.output().length;
  shell.type(`PS1='R''T> '\r`);
  await shell.waitFor(PROMPT, mark);
}

/**
 * Types `count` letters one at a time, each `gapMs` after the previous one's echo arrived (a
 * typist's pace rather than a flood), and returns each keystroke's round trip in milliseconds:
 * from handing it to the WebSocket until the terminal output holding its echo arrived. The letters
 * are typed into comment lines (`# ` and up to 40 letters, then Enter, untimed), so the shell runs
 * nothing. `stop` is asked before each keystroke and ends the run early.
 */
export async function keystrokeRoundTrips(
  shell: ShellClient,
  count: number,
  options: { gapMs: number; stop?: () => boolean },
): Promise<number[]> {
  const stop = options.stop ?? (() => false);
  const times: number[] = [];
  let onLine = 0;
  while (times.length < count && !stop()) {
    if (onLine === 0) {
      const mark = shell.output().length;
      shell.type('# ');
      await shell.waitFor('# ', mark);
    }
    const letter = LETTERS[times.length % LETTERS.length]!;
    const mark = shell.output().length;
    const sent = performance.now();
    shell.type(letter);
    await shell.waitFor(letter, mark);
    times.push(performance.now() - sent);
    await sleep(options.gapMs);
    onLine += 1;
    if (onLine === LINE_LETTERS) {
      const end = shell.output().length;
      shell.type('\r');
      await shell.waitFor(PROMPT, end);
      onLine = 0;
    }
  }
  return times;
}
