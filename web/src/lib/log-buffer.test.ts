import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ansiClassName } from './ansi.ts';
import { LogBuffer } from './log-buffer.ts';

/** Every line as `text [classes]…`, the way a reader sees the log. */
function lines(buffer: LogBuffer): string[] {
  return Array.from({ length: buffer.length }, (_, index) =>
    buffer
      .spans(index)
      .map((span) => {
        const classes = ansiClassName(span.style);
        return classes ? `${span.text}[${classes}]` : span.text;
      })
      .join(''),
  );
}

function bufferOf(...chunks: string[]): LogBuffer {
  const buffer = new LogBuffer();
  for (const chunk of chunks) buffer.append(chunk);
  return buffer;
}

test('lines end at \\n or \\r\\n; the unfinished last line shows as it grows', () => {
  const buffer = bufferOf('one\r\ntwo\nthr');
  assert.deepEqual(lines(buffer), ['one', 'two', 'thr']);
  buffer.append('ee\n');
  assert.deepEqual(lines(buffer), ['one', 'two', 'three']);
  assert.deepEqual(lines(bufferOf('a\n\nb\n')), ['a', '', 'b']);
  assert.equal(bufferOf('').length, 0);
});

test('chunks may split lines, \\r\\n pairs and escape sequences anywhere', () => {
  const text = 'plain\r\n\x1b[31mred\x1b[0m\r\n\x1b[32;1mgreen\nstill green\x1b[0m\n';
  const whole = lines(bufferOf(text));
  assert.deepEqual(whole, [
    'plain',
    'red[ansi-fg-1]',
    'green[ansi-fg-2 ansi-bold]',
    'still green[ansi-fg-2 ansi-bold]',
  ]);
  for (let cut = 1; cut < text.length; cut++) {
    assert.deepEqual(lines(bufferOf(text.slice(0, cut), text.slice(cut))), whole, `cut at ${cut}`);
  }
  assert.deepEqual(lines(bufferOf(...text)), whole, 'one character at a time');
});

test('carriage returns: the last text drawn on a line is what shows', () => {
  const cases: [chunks: string[], expected: string[]][] = [
    [['10%\r50%\r100%\n'], ['100%']],
    [
      ['10%\r', '50%\r', '100%\ndone\n'],
      ['100%', 'done'],
    ],
    [['working 10%\r'], ['working 10%']],
    [['working 10%\r\x1b[0m'], ['working 10%']],
    [['old\r\x1b[0K'], ['']],
    [['\x1b[33mold\r\x1b[0Knew\n'], ['new[ansi-fg-3]']],
    [['\x1b[31mred\r\x1b[0mplain\n'], ['plain']],
    [
      ['section_start:1700000000:step_script\r\x1b[0K\x1b[32;1mExecuting "step_script"\x1b[0;m\n'],
      ['Executing "step_script"[ansi-fg-2 ansi-bold]'],
    ],
    [
      ['section_end:1700000000:step_script\r\x1b[0K\x1b[32;1mJob succeeded\x1b[0;m\n'],
      ['Job succeeded[ansi-fg-2 ansi-bold]'],
    ],
    [['section_end:1700000000:step_script\r\x1b[0K'], ['']],
  ];
  for (const [chunks, expected] of cases)
    assert.deepEqual(lines(bufferOf(...chunks)), expected, JSON.stringify(chunks));
});

test('a progress line redrawn many times keeps only what it shows', () => {
  const buffer = new LogBuffer();
  for (let percent = 0; percent <= 100; percent++) buffer.append(`\x1b[36m${percent}%\x1b[0m\r`);
  assert.deepEqual(lines(buffer), ['100%[ansi-fg-6]']);
  buffer.append('\n');
  assert.deepEqual(lines(buffer), ['100%[ansi-fg-6]']);
});

test('a colour left on carries into later lines, and each line starts in its own style', () => {
  const buffer = bufferOf('\x1b[35mpurple\n', 'line 2\n', 'line 3\x1b[0m back\n', 'plain\n');
  assert.deepEqual(lines(buffer), [
    'purple[ansi-fg-5]',
    'line 2[ansi-fg-5]',
    'line 3[ansi-fg-5] back',
    'plain',
  ]);
  assert.deepEqual(buffer.line(1).style.fg, 5);
});

test('100,000 lines: any line reads back directly', () => {
  const buffer = new LogBuffer();
  let chunk = '';
  for (let n = 1; n <= 100_000; n++) {
    chunk += n % 1000 === 0 ? `\x1b[1mline ${n}\x1b[0m\n` : `line ${n}\n`;
    if (chunk.length > 60_000) {
      buffer.append(chunk);
      chunk = '';
    }
  }
  buffer.append(chunk);
  assert.equal(buffer.length, 100_000);
  assert.equal(buffer.line(49_998).text, 'line 49999');
  assert.deepEqual(
    buffer.spans(49_999).map((span) => [span.text, ansiClassName(span.style)]),
    [['line 50000', 'ansi-bold']],
  );
  assert.throws(() => buffer.line(100_000), /outside the log/);
});
