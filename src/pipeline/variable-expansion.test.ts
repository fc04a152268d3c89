import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeDollars, expandVariables, referencedVariables } from './variable-expansion.ts';

const vars: Record<string, string> = { A: 'alpha', B: '$A', EMPTY: '' };
const lookup = (name: string) => vars[name];

// biome-ignore lint/suspicious/noTemplateCurlyInString: GitLab's ${VAR} syntax, not a template
test('expands $VAR and ${VAR}', () => {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: GitLab's ${VAR} syntax, not a template
  assert.equal(expandVariables('x-$A-${A}y', lookup), 'x-alpha-alphay');
  assert.equal(expandVariables('$B', lookup), '$A', 'values are not re-expanded');
  assert.equal(expandVariables('[$EMPTY]', lookup), '[]');
});

test('unknown references become empty or stay', () => {
  assert.equal(expandVariables('a$NOPE/b', lookup), 'a/b');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: GitLab's ${VAR} syntax, not a template
  assert.equal(expandVariables('a$NOPE/${NOPE}', lookup, { keepUnknown: true }), 'a$NOPE/${NOPE}');
});

test('$$ escapes a dollar; a lone $ stays', () => {
  assert.equal(expandVariables('cost $$A and $ 5 $', lookup), 'cost $A and $ 5 $');
  assert.equal(expandVariables('$$A', lookup, { keepEscapes: true }), '$$A');
  assert.equal(expandVariables('${', lookup), '${');
});

test('stops substituting past the length limit', () => {
  assert.equal(expandVariables('$A$A', lookup, { maxLength: 7 }), 'alpha$A');
});

test('escapes and lists references', () => {
  assert.equal(escapeDollars('a$b$$c'), 'a$$b$$$$c');
  assert.equal(expandVariables(escapeDollars('a$A$$'), lookup), 'a$A$$');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: GitLab's ${VAR} syntax, not a template
  assert.deepEqual(referencedVariables('$A ${B} $A $$C $'), ['A', 'B']);
});
