import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DOTENV_LIMITS, DotenvError, parseDotenv } from './dotenv-report.ts';

const accepted: Array<[string, string, Record<string, string>]> = [
  ['one variable', 'URL=https://review.example.com\n', { URL: 'https://review.example.com' }],
  ['no final newline', 'A=1', { A: '1' }],
  ['whitespace around key and value is trimmed', '  A  =  spaced value  \n', { A: 'spaced value' }],
  ['everything after the first = is the value', 'Q=a=b=c\n', { Q: 'a=b=c' }],
  ['empty value', 'EMPTY=\n', { EMPTY: '' }],
  ['double quotes are removed', 'A="quoted value"\n', { A: 'quoted value' }],
  ['single quotes are removed', "A='it is'\n", { A: 'it is' }],
  ['only one pair of quotes is removed', 'A=""x""\n', { A: '"x"' }],
  ['unmatched quotes stay', 'A="open\nB=close\'\n', { A: '"open', B: "close'" }],
  ['nothing is expanded or unescaped', 'A=$HOME\\n$(id) `id`\n', { A: '$HOME\\n$(id) `id`' }],
  ['blank lines and comments are skipped', '\n# comment\n  # indented\nA=1\n\n', { A: '1' }],
  ['CRLF line ends', 'A=1\r\nB=2\r\n', { A: '1', B: '2' }],
  ['a repeated key keeps its last value', 'A=1\nA=2\n', { A: '2' }],
  ['underscore and digits in keys', '_X1=a\nY_2=b\n', { _X1: 'a', Y_2: 'b' }],
  ['a # inside a value is kept', 'A=x # not a comment\n', { A: 'x # not a comment' }],
  ['__proto__ is an ordinary key', '__proto__=x\n', { ['__proto__']: 'x' }],
];

for (const [name, text, expected] of accepted) {
  test(`dotenv accepts: ${name}`, () => {
    const parsed = parseDotenv(text);
    assert.deepEqual({ ...parsed }, { ...expected });
    assert.deepEqual(Object.keys(parsed), Object.keys(expected));
  });
}

const rejected: Array<[string, string, RegExp, number | null]> = [
  ['export prefix', 'export A=1\n', /line 1: `export` is not supported/, 1],
  ['no =', 'A=1\nJUSTTEXT\n', /line 2: expected KEY=value/, 2],
  ['key starting with a digit', '1A=x\n', /line 1: "1A" is not a valid variable name/, 1],
  ['key with a dash', 'MY-VAR=x\n', /not a valid variable name/, 1],
  ['empty key', '=x\n', /not a valid variable name/, 1],
  ['value over 2 KiB', `A=${'x'.repeat(DOTENV_LIMITS.maxValueBytes + 1)}\n`, /longer than 2048 bytes/, 1],
  [
    'more than 20 variables',
    Array.from({ length: 21 }, (_, i) => `V${i}=${i}`).join('\n'),
    /line 21: more than 20 variables/,
    21,
  ],
  ['file over 5 KiB', `# ${'x'.repeat(DOTENV_LIMITS.maxFileBytes)}\nA=1\n`, /larger than 5120 bytes/, null],
  ['NUL byte', 'A=1\0\n', /NUL byte/, null],
];

for (const [name, text, message, line] of rejected) {
  test(`dotenv refuses: ${name}`, () => {
    assert.throws(
      () => parseDotenv(text),
      (error: unknown) => {
        assert.ok(error instanceof DotenvError);
        assert.match(error.message, message);
        assert.equal(error.line, line);
        return true;
      },
    );
  });
}

test('exactly 20 variables and a 2 KiB value are accepted', () => {
  const text = Array.from({ length: 20 }, (_, i) => `V${i}=${i === 0 ? 'x'.repeat(2048) : i}`).join('\n');
  assert.equal(Object.keys(parseDotenv(text)).length, 20);
});
