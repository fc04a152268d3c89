import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExpression } from './expression-parser.ts';
import type { RefFilter, RuleDefinition } from './pipeline-definition.ts';
import type { PlanContext } from './pipeline-plan.ts';
import { changesMatch, existsMatch, firstMatchingRule, refFilterMatches } from './rule-evaluation.ts';
import { VariableScope } from './variable-scope.ts';

const context: PlanContext = {
  variables: { CI_COMMIT_BRANCH: 'main', DIR: 'docs' },
  ref: 'main',
  refType: 'branch',
  source: 'push',
  changedFiles: ['docs/index.md', 'README.md'],
  changedFilesComparedTo: { 'refs/heads/develop': ['src/app.ts'] },
  files: ['Dockerfile', 'src/app.ts', 'docs/index.md'],
};
const scope = new VariableScope(context.variables, []);

function rule(partial: Partial<RuleDefinition>): RuleDefinition {
  return {
    if: null,
    changes: null,
    exists: null,
    when: null,
    allowFailure: null,
    startInSeconds: null,
    variables: [],
    ...partial,
  };
}

function condition(text: string) {
  const parsed = parseExpression(text);
  assert.ok(parsed.ok);
  return { text, expression: parsed.expression };
}

test('the first rule whose conditions all hold wins', () => {
  const rules = [
    rule({ if: condition('$CI_COMMIT_TAG'), when: 'manual' }),
    rule({ if: condition('$CI_COMMIT_BRANCH == "main"'), exists: ['Nope'] }),
    rule({
      if: condition('$CI_COMMIT_BRANCH == "main"'),
      changes: { paths: ['$DIR/**/*'], compareTo: null },
    }),
    rule({ when: 'never' }),
  ];
  assert.equal(firstMatchingRule(rules, scope, context)?.index, 2);
  assert.equal(firstMatchingRule(rules.slice(0, 2), scope, context), null);
  assert.equal(firstMatchingRule([rule({ when: 'always' })], scope, context)?.index, 0);
});

test('changes are true when unknown, and use compare_to lists', () => {
  const paths = { paths: ['src/**/*'], compareTo: null };
  assert.equal(changesMatch(paths, scope, context), false);
  assert.equal(changesMatch(paths, scope, { ...context, changedFiles: null }), true);
  assert.equal(changesMatch(paths, scope, { ...context, refType: 'tag' }), true);
  assert.equal(changesMatch(paths, scope, { ...context, source: 'schedule' }), true);
  assert.equal(changesMatch({ paths: ['src/**/*'], compareTo: 'refs/heads/develop' }, scope, context), true);
  assert.equal(changesMatch({ paths: ['docs/*'], compareTo: 'refs/heads/develop' }, scope, context), false);
  assert.equal(changesMatch({ paths: ['docs/*'], compareTo: 'unknown' }, scope, context), true);
});

test('exists matches repository files', () => {
  assert.equal(existsMatch(['Dockerfile'], scope, context), true);
  assert.equal(existsMatch(['**/*.ts'], scope, context), true);
  assert.equal(existsMatch(['$DIR/*.md'], scope, context), true);
  assert.equal(existsMatch(['*.py'], scope, context), false);
});

test('only/except refs, keywords, regexes, variables and changes', () => {
  const filter = (partial: Partial<RefFilter>): RefFilter => ({
    refs: null,
    variables: null,
    changes: null,
    ...partial,
  });
  const table: Array<[Partial<RefFilter>, Partial<PlanContext>, boolean]> = [
    [{ refs: ['main'] }, {}, true],
    [{ refs: ['develop'] }, {}, false],
    [{ refs: ['branches'] }, {}, true],
    [{ refs: ['tags'] }, {}, false],
    [{ refs: ['tags'] }, { ref: 'v1', refType: 'tag' }, true],
    [{ refs: ['/^v\\d+$/'] }, { ref: 'v1', refType: 'tag' }, true],
    [{ refs: ['/^V/i'] }, { ref: 'v1', refType: 'tag' }, true],
    [{ refs: ['/^release/'] }, {}, false],
    [{ refs: ['schedules'] }, { source: 'schedule' }, true],
    [{ refs: ['schedules'] }, {}, false],
    [{ refs: ['pushes'] }, {}, true],
    [{ refs: ['api', 'web'] }, { source: 'web' }, true],
    [{ refs: ['triggers'] }, { source: 'trigger' }, true],
    [{ refs: ['pipelines'] }, { source: 'pipeline' }, true],
    [{ refs: ['merge_requests'] }, {}, false],
    [{ refs: [] }, {}, false],
    [{ refs: ['branches'], variables: [condition('$CI_COMMIT_BRANCH == "dev"')] }, {}, false],
    [{ variables: [condition('$NOPE'), condition('$DIR == "docs"')] }, {}, true],
    [{ changes: ['README.md'] }, {}, true],
    [{ refs: ['main'], changes: ['src/*'] }, {}, false],
  ];
  for (const [partial, overrides, expected] of table) {
    assert.equal(
      refFilterMatches(filter(partial), scope, { ...context, ...overrides }),
      expected,
      JSON.stringify([partial, overrides]),
    );
  }
});
