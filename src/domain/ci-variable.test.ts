import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidVariableKey, maskedValueProblem } from './ci-variable.ts';

const keys: Array<[string, boolean]> = [
  ['DEPLOY_TOKEN', true],
  ['a', true],
  ['_9', true],
  ['K'.repeat(255), true],
  ['K'.repeat(256), false],
  ['', false],
  ['WITH-DASH', false],
  ['WITH SPACE', false],
  ['DOT.TED', false],
  ['ÜMLAUT', false],
];
for (const [key, valid] of keys) {
  test(`key ${JSON.stringify(key.length > 20 ? `${key.slice(0, 8)}…(${key.length})` : key)} is ${valid ? 'valid' : 'invalid'}`, () =>
    assert.equal(isValidVariableKey(key), valid));
}

// [value, raw, expected problem (a fragment of the message) or null]
const masked: Array<[string, boolean, string | null]> = [
  ['s3cr3t-token', false, null],
  ['abcdefgh', false, null],
  ['abcdefg', false, 'at least 8'],
  ['', false, 'at least 8'],
  ['a+b=c/d@e:f.g~h-i_j', false, null],
  ['dGhpcyBpcyBiYXNlNjQ=', false, null],
  ['two words here', false, 'single line without spaces'],
  ['tab\tseparated', false, 'single line without spaces'],
  ['line\nbreak-value', false, 'single line without spaces'],
  ['trailing-space ', false, 'single line without spaces'],
  ['pa$$word123', false, 'set raw: true'],
  ['pa$$word123', true, null],
  ['semi;colon|pipe', false, 'set raw: true'],
  ['semi;colon|pipe', true, null],
  ['space in raw', true, 'single line without spaces'],
  ['short!', true, 'at least 8'],
  ['CI_COMMIT_SHA', false, 'predefined variable'],
  ['GITLAB_USER_LOGIN', false, 'predefined variable'],
  ['GANTRY_CI', true, 'predefined variable'],
];
for (const [value, raw, expected] of masked) {
  test(`masked ${JSON.stringify(value)} (raw: ${raw}) → ${expected ?? 'accepted'}`, () => {
    const problem = maskedValueProblem(value, { raw });
    if (expected === null) assert.equal(problem, null);
    else assert.match(problem ?? '', new RegExp(expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  });
}

test('a masked value may not equal the name of a defined variable', () => {
  assert.match(
    maskedValueProblem('DATABASE_URL', { raw: false, variableKeys: ['OTHER', 'DATABASE_URL'] }) ?? '',
    /name of a CI\/CD variable/,
  );
  assert.equal(maskedValueProblem('DATABASE_URL', { raw: false, variableKeys: ['OTHER'] }), null);
});

test('messages never repeat the value', () => {
  for (const value of ['very secret value', 'pa$$word123', 'short']) {
    assert.ok(!(maskedValueProblem(value, { raw: false }) ?? '').includes(value));
  }
});
