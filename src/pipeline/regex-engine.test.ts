import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRegex, MAX_REPEAT } from './regex-engine.ts';

function matches(source: string, subject: string, flags = ''): boolean {
  const compiled = compileRegex(source, flags);
  assert.ok(compiled.ok, `${source}: ${compiled.ok ? '' : compiled.message}`);
  return compiled.program.test(subject);
}

function problem(source: string): string {
  const compiled = compileRegex(source, '');
  return compiled.ok ? 'ok' : `${compiled.offset}: ${compiled.message}`;
}

test('agrees with JavaScript on the shared syntax', () => {
  const patterns = [
    'main',
    '^main$',
    '^v\\d+\\.\\d+\\.\\d+$',
    '^(feature|hotfix)/[a-z0-9-]+$',
    '^release-\\d+(\\.\\d+)?$',
    'a.c',
    '^$',
    'x*',
    '^a{2,3}$',
    '^a{2}$',
    '^a{2,}$',
    '^(ab)+$',
    '^(?:ab|cd)*e$',
    '\\bfoo\\b',
    '\\Bfoo',
    '[^/]+/[^/]+',
    '[a-c-]',
    '[]a]',
    '\\[skip ci\\]',
    '^\\S+\\s\\S+$',
    '^\\w+$',
    '\\D',
    '\\W',
    '\\x41\\u0042',
    '\\{',
    'a{,2}',
    'a{x}',
    '^a+?b',
    '(a|)b',
    '()*a',
    '(?<name>v)\\d',
    '(?P<name>v)\\d',
  ];
  const subjects = [
    'main',
    'mainline',
    'v1.2.3',
    'v1.2',
    'feature/login-2',
    'hotfix/x',
    'release-1',
    'release-1.5',
    'abc',
    'a\nc',
    '',
    'aa',
    'aaa',
    'ababe',
    'cde',
    'foo bar',
    'xfoo',
    'group/project',
    '-',
    ']',
    'ci [skip ci]',
    'two words',
    'AB',
    '{',
    'a{,2}',
    'a{x}',
    'aab',
    'b',
    'v1',
  ];
  for (const pattern of patterns) {
    // JavaScript reads `[]a]` as an empty class followed by "a]"; RE2 as a class of "]" and "a".
    const js =
      pattern === '[]a]'
        ? /[\]a]/
        : pattern.includes('(?P<')
          ? new RegExp(pattern.replace('(?P<', '(?<'))
          : new RegExp(pattern);
    for (const subject of subjects)
      assert.equal(matches(pattern, subject), js.test(subject), `/${pattern}/ ~ ${JSON.stringify(subject)}`);
  }
});

test('flags: i, m and s', () => {
  assert.equal(matches('^MAIN$', 'main', 'i'), true);
  assert.equal(matches('[A-Z]+', 'abc', 'i'), true);
  assert.equal(matches('^b$', 'a\nb\nc'), false);
  assert.equal(matches('^b$', 'a\nb\nc', 'm'), true);
  assert.equal(matches('a.c', 'a\nc'), false);
  assert.equal(matches('a.c', 'a\nc', 's'), true);
  assert.equal(matches('\\Aa', 'b\na', 'm'), false);
  assert.equal(matches('a\\z', 'a\nb', 'm'), false);
});

test('patterns that make backtracking engines exponential run in linear time', () => {
  const subject = `${'a'.repeat(5000)}!`;
  const started = performance.now();
  for (const pattern of ['(a+)+$', '^(a|a)*$', '(a|aa)*b', '^(\\w+\\s?)*$', '(.*a){20}$', '(a*)*b']) {
    assert.equal(matches(pattern, subject), false, pattern);
  }
  assert.ok(performance.now() - started < 5000);
});

test('reports syntax errors at their offset', () => {
  const table: Array<[string, string]> = [
    ['(a', '0: unterminated group; expected ")"'],
    ['a)', '1: unmatched ")"'],
    ['[abc', '0: unterminated character class; expected "]"'],
    ['[z-a]', '1: invalid range z-a in character class'],
    ['*a', '0: nothing to repeat'],
    ['a|+', '2: nothing to repeat'],
    ['{2}', '0: nothing to repeat'],
    ['^*', '1: nothing to repeat'],
    ['a**', '2: a quantifier cannot follow another quantifier'],
    ['a{3,2}', '1: invalid repetition range {3,2}'],
    [`a{${MAX_REPEAT + 1}}`, `1: repetition count above ${MAX_REPEAT}`],
    ['(a{1000}){1000}', '0: regular expression too complex (more than 5000 states)'],
    ['(?=a)', '0: lookahead and lookbehind are not supported (GitLab uses RE2)'],
    ['x(?<!a)', '1: lookahead and lookbehind are not supported (GitLab uses RE2)'],
    ['(?i)a', '0: inline flags such as (?i) are not supported; put flags after the closing slash'],
    ['(?#x)', '0: invalid group; expected (, (?:, (?<name> or (?P<name>'],
    ['(a)\\1', '3: backreferences are not supported (GitLab uses RE2)'],
    ['\\k<a>', '0: backreferences are not supported (GitLab uses RE2)'],
    ['\\pL', '0: Unicode character classes (\\p) are not supported'],
    ['\\q', '0: unknown escape \\q'],
    ['ab\\', '2: trailing backslash'],
    ['\\xZZ', '0: invalid \\x escape'],
    ['[\\B]', '1: unsupported escape \\B in character class'],
    ['[a-\\d]', '1: invalid range in character class'],
  ];
  for (const [source, expected] of table) assert.equal(problem(source), expected, source);
});
