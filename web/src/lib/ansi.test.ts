import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type AnsiStyle,
  ansiClassName,
  ansiColors,
  applySgr,
  DEFAULT_STYLE,
  parseAnsi,
  visibleText,
} from './ansi.ts';

const style = (change: Partial<AnsiStyle>): AnsiStyle => ({ ...DEFAULT_STYLE, ...change });
/** Spans as `[text, classes]` pairs: what the view draws. */
const drawn = (text: string, start?: AnsiStyle) =>
  parseAnsi(text, start).spans.map((span) => [span.text, ansiClassName(span.style)]);

test('SGR codes set colours and attributes', () => {
  const cases: [params: string, expected: AnsiStyle][] = [
    ['31', style({ fg: 1 })],
    ['37', style({ fg: 7 })],
    ['90', style({ fg: 8 })],
    ['97', style({ fg: 15 })],
    ['42', style({ bg: 2 })],
    ['104', style({ bg: 12 })],
    ['1', style({ bold: true })],
    ['32;1', style({ fg: 2, bold: true })],
    ['1;2;3;4', style({ bold: true, dim: true, italic: true, underline: true })],
    ['38;5;1', style({ fg: 1 })],
    ['38;5;16', style({ fg: 'rgb(0, 0, 0)' })],
    ['38;5;208', style({ fg: 'rgb(255, 135, 0)' })],
    ['48;5;244', style({ bg: 'rgb(128, 128, 128)' })],
    ['38;2;10;20;30', style({ fg: 'rgb(10, 20, 30)' })],
    ['38:2:10:20:30', style({ fg: 'rgb(10, 20, 30)' })],
    ['38;2;10;20;300', DEFAULT_STYLE],
    ['38;5;208;1', style({ fg: 'rgb(255, 135, 0)', bold: true })],
    ['38;7;1', DEFAULT_STYLE],
    ['999', DEFAULT_STYLE],
  ];
  for (const [params, expected] of cases) assert.deepEqual(applySgr(DEFAULT_STYLE, params), expected, params);
});

test('resets: 0, empty, 39, 49, 22, 23, 24', () => {
  const all = style({ fg: 1, bg: 2, bold: true, dim: true, italic: true, underline: true });
  const cases: [params: string, expected: AnsiStyle][] = [
    ['0', DEFAULT_STYLE],
    ['', DEFAULT_STYLE],
    ['0;', DEFAULT_STYLE],
    ['39', { ...all, fg: null }],
    ['49', { ...all, bg: null }],
    ['22', { ...all, bold: false, dim: false }],
    ['23', { ...all, italic: false }],
    ['24', { ...all, underline: false }],
    ['0;33', style({ fg: 3 })],
  ];
  for (const [params, expected] of cases) assert.deepEqual(applySgr(all, params), expected, params);
});

test('a line becomes spans of one style each, adjacent equal styles merged', () => {
  const cases: [text: string, expected: string[][]][] = [
    ['plain text', [['plain text', '']]],
    ['', []],
    [
      '\x1b[31mred\x1b[0m plain',
      [
        ['red', 'ansi-fg-1'],
        [' plain', ''],
      ],
    ],
    ['\x1b[32;1m$ make\x1b[0;m', [['$ make', 'ansi-fg-2 ansi-bold']]],
    ['\x1b[31ma\x1b[31mb', [['ab', 'ansi-fg-1']]],
    [
      '\x1b[1m\x1b[94mbold blue\x1b[39m bold',
      [
        ['bold blue', 'ansi-fg-12 ansi-bold'],
        [' bold', 'ansi-bold'],
      ],
    ],
    ['\x1b[0Kcleared', [['cleared', '']]],
    ['\x1b]0;window title\x07after', [['after', '']]],
    ['\x1b]8;;https://example.test\x1b\\link\x1b]8;;\x1b\\', [['link', '']]],
    ['bell\x07 and\bback', [['bell andback', '']]],
    ['tab\there', [['tab\there', '']]],
    ['cut off \x1b[3', [['cut off ', '']]],
    ['cut off \x1b', [['cut off ', '']]],
    ['\x1b[2Jcursor\x1b[10;5Hmoves', [['cursormoves', '']]],
  ];
  for (const [text, expected] of cases) assert.deepEqual(drawn(text), expected, JSON.stringify(text));
});

test('the style carries from one line to the next', () => {
  const first = parseAnsi('\x1b[33mwarning starts');
  assert.deepEqual(first.end, style({ fg: 3 }));
  assert.deepEqual(drawn('and goes on\x1b[0m', first.end), [['and goes on', 'ansi-fg-3']]);
  assert.equal(parseAnsi('no escapes', first.end).end, first.end);
});

test('exact colours are inline, themed ones classes', () => {
  assert.equal(ansiColors(style({ fg: 1 })), undefined);
  assert.deepEqual(ansiColors(style({ fg: 'rgb(1, 2, 3)' })), { color: 'rgb(1, 2, 3)' });
  assert.deepEqual(ansiColors(style({ fg: 4, bg: 'rgb(1, 2, 3)' })), { backgroundColor: 'rgb(1, 2, 3)' });
  assert.equal(
    ansiClassName(style({ fg: 'rgb(1, 2, 3)', bg: 4, underline: true })),
    'ansi-bg-4 ansi-underline',
  );
});

test('visibleText drops escapes and control characters', () => {
  assert.equal(visibleText('\x1b[0K\x1b[32;1mheader\x1b[0;m'), 'header');
  assert.equal(visibleText('\x1b[0K'), '');
});
