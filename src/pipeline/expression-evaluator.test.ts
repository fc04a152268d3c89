import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateExpression } from './expression-evaluator.ts';
import { parseExpression } from './expression-parser.ts';

const variables: Record<string, string> = {
  CI_COMMIT_BRANCH: 'main',
  CI_COMMIT_TAG: 'v1.2.3',
  CI_PIPELINE_SOURCE: 'push',
  EMPTY: '',
  PATTERN: '/^ma/i',
  NOT_A_PATTERN: 'main',
  OTHER: 'main',
};

function evaluate(text: string): boolean {
  const parsed = parseExpression(text);
  assert.ok(parsed.ok, text);
  return evaluateExpression(parsed.expression, (name) => variables[name]);
}

test('evaluates with GitLab semantics', () => {
  const table: Array<[string, boolean]> = [
    ['$CI_COMMIT_BRANCH', true],
    ['$EMPTY', false],
    ['$UNDEFINED', false],
    ['"text"', true],
    ['""', false],
    ['null', false],
    ['$CI_COMMIT_BRANCH == "main"', true],
    ['"main" == $CI_COMMIT_BRANCH', true],
    ['$CI_COMMIT_BRANCH != "main"', false],
    ['$CI_COMMIT_BRANCH == $OTHER', true],
    ['$UNDEFINED == null', true],
    ['$UNDEFINED == ""', false],
    ['$EMPTY == ""', true],
    ['$EMPTY == null', false],
    ['$UNDEFINED != null', false],
    ['$CI_COMMIT_TAG =~ /^v\\d+\\.\\d+\\.\\d+$/', true],
    ['$CI_COMMIT_TAG =~ /^V/', false],
    ['$CI_COMMIT_TAG =~ /^V/i', true],
    ['$CI_COMMIT_TAG =~ /2/', true],
    ['$UNDEFINED =~ /.*/', false],
    ['$UNDEFINED !~ /.*/', true],
    ['$CI_COMMIT_TAG !~ /^v/', false],
    ['$CI_COMMIT_BRANCH =~ $PATTERN', true],
    ['$CI_COMMIT_BRANCH =~ $NOT_A_PATTERN', false],
    ['$CI_COMMIT_BRANCH =~ $UNDEFINED', false],
    ['$CI_COMMIT_BRANCH == "main" && $CI_PIPELINE_SOURCE == "push"', true],
    ['$CI_COMMIT_BRANCH == "dev" || $CI_PIPELINE_SOURCE == "push"', true],
    ['$CI_COMMIT_BRANCH == "dev" || $EMPTY && $CI_COMMIT_TAG', false],
    ['($CI_COMMIT_BRANCH == "dev" || $CI_COMMIT_TAG) && $CI_PIPELINE_SOURCE == "push"', true],
    ['$CI_COMMIT_BRANCH == "dev" || ($EMPTY && $CI_COMMIT_TAG)', false],
  ];
  for (const [text, expected] of table) assert.equal(evaluate(text), expected, text);
});

test('a rejected regex held in a variable never matches', () => {
  variables.BAD = '/(a$/';
  assert.equal(evaluate('$CI_COMMIT_BRANCH =~ $BAD'), false);
  assert.equal(evaluate('$CI_COMMIT_BRANCH !~ $BAD'), true);
});
