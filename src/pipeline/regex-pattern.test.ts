import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRegexPattern, compileRegexPattern, parseRegexLiteral } from './regex-pattern.ts';

const check = (source: string, flags = '') => checkRegexPattern({ source, flags });

test('accepts the RE2-compatible subset', () => {
  for (const source of [
    '^v\\d+\\.\\d+\\.\\d+$',
    '^feature/',
    '(foo|bar)+',
    '^v(\\d+\\.)+\\d+$',
    '(?:ab)*',
    '(?<n>x)',
    'a{2,3}',
    '[)(]+',
    '(a+)+$',
  ]) {
    assert.equal(check(source), null, source);
  }
  assert.equal(check('main', 'ims'), null);
});

test('rejects with the offset of the problem', () => {
  const table: Array<[string, string, number, string]> = [
    ['', '', 0, 'empty regular expression'],
    ['a'.repeat(1001), '', 0, 'regular expression longer than 1000 characters'],
    ['abc', 'g', 4, 'unsupported regular expression flag "g"; expected i, m or s'],
    ['abc', 'ii', 5, 'unsupported regular expression flag "i"; expected i, m or s'],
    ['ab(c', '', 2, 'invalid regular expression: unterminated group; expected ")"'],
    ['(a)\\1', '', 3, 'invalid regular expression: backreferences are not supported (GitLab uses RE2)'],
  ];
  for (const [source, flags, offset, message] of table)
    assert.deepEqual(check(source, flags), { offset, message }, source);
});

test('compiles (cached) and parses /literals/', () => {
  const program = compileRegexPattern({ source: '^v\\d', flags: 'i' });
  assert.ok(program?.test('V1'));
  assert.equal(compileRegexPattern({ source: '^v\\d', flags: 'i' }), program);
  assert.equal(compileRegexPattern({ source: '(a', flags: '' }), null);
  assert.deepEqual(parseRegexLiteral('/^v\\d+/i'), { source: '^v\\d+', flags: 'i' });
  assert.deepEqual(parseRegexLiteral('/a/b/'), { source: 'a/b', flags: '' });
  assert.equal(parseRegexLiteral('main'), null);
  assert.equal(parseRegexLiteral('//'), null);
});
