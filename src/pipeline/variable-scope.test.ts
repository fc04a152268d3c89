import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VariableDefinition } from './pipeline-definition.ts';
import { expandVariables } from './variable-expansion.ts';
import { VariableScope } from './variable-scope.ts';

const v = (name: string, value: string, expand = true): VariableDefinition => ({
  name,
  value,
  expand,
  description: null,
  options: null,
});

test('context wins over the file; later layers over earlier ones', () => {
  const scope = new VariableScope({ DEPLOY: 'true', CI_COMMIT_REF_NAME: 'main' }, [
    [v('DEPLOY', 'false'), v('TARGET', 'global')],
    [v('TARGET', 'job')],
  ]);
  assert.equal(scope.value('DEPLOY'), 'true');
  assert.equal(scope.value('TARGET'), 'job');
  assert.equal(scope.value('NOPE'), undefined);
});

test('final values expand recursively, keep unknown references and unescape $$', () => {
  const scope = new VariableScope({ CI_COMMIT_REF_NAME: 'main' }, [
    [
      v('A', 'app-$B'),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: GitLab's ${VAR} syntax, not a template
      v('B', '${CI_COMMIT_REF_NAME}-$C'),
      v('C', 'x$$y'),
      v('RAW', '$A', false),
      v('LOOP', '$LOOP2'),
      v('LOOP2', '$LOOP'),
    ],
  ]);
  assert.equal(scope.value('A'), 'app-main-x$y');
  assert.equal(scope.value('RAW'), '$A');
  assert.equal(scope.value('LOOP'), '$LOOP');
  assert.equal(scope.expand('$A/$CI_JOB_ID'), 'app-main-x$y/$CI_JOB_ID');
  assert.equal(scope.expand('$A/$CI_JOB_ID', { blankUnknown: true }), 'app-main-x$y/');
});

test('rendered values come out right after one more expansion at run time', () => {
  const context = { CI_COMMIT_REF_NAME: 'main', MESSAGE: 'costs $5' };
  const definitions = [
    v('IMAGE', 'registry/app:$CI_COMMIT_REF_NAME'),
    v('NOTE', '$MESSAGE'),
    v('LITERAL', 'a$$b'),
    v('RAW', 'keep $THIS', false),
    v('LATER', 'job $CI_JOB_ID'),
    v('PATH_LIKE', '$PATH_LIKE:/x'),
  ];
  const rendered = new VariableScope(context, [definitions]).render(definitions);
  assert.deepEqual(rendered, {
    IMAGE: 'registry/app:main',
    NOTE: 'costs $$5',
    LITERAL: 'a$$b',
    RAW: 'keep $$THIS',
    LATER: 'job $CI_JOB_ID',
    PATH_LIKE: '$PATH_LIKE:/x',
  });
  const runtime = (text: string) => expandVariables(text, (name) => ({ CI_JOB_ID: '7' })[name]);
  assert.deepEqual(
    Object.fromEntries(Object.entries(rendered).map(([key, value]) => [key, runtime(value)])),
    {
      IMAGE: 'registry/app:main',
      NOTE: 'costs $5',
      LITERAL: 'a$b',
      RAW: 'keep $THIS',
      LATER: 'job 7',
      PATH_LIKE: ':/x',
    },
  );
});
