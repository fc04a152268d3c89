import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_NAMESPACE_TEMPLATE,
  isNamespaceName,
  namespaceTemplateProblem,
  renderNamespace,
} from './kubernetes-namespace.ts';

const values = { projectId: 7, projectPath: 'Shop/Web_App', environmentSlug: 'review-fix-a1b2c3' };

test('renders the templates people write', () => {
  const cases: Array<[string, string]> = [
    [DEFAULT_NAMESPACE_TEMPLATE, 'shop-web-app-review-fix-a1b2c3'],
    ['$CI_PROJECT_NAME-$CI_PROJECT_ID-$CI_ENVIRONMENT_SLUG', 'web-app-7-review-fix-a1b2c3'],
    ['production', 'production'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: GitLab's ${VAR} syntax, not a template
    ['-${CI_ENVIRONMENT_SLUG}--x-', 'review-fix-a1b2c3-x'],
  ];
  for (const [template, expected] of cases)
    assert.equal(renderNamespace(template, values), expected, template);
});

test('a name over 63 characters is shortened with a digest, still a DNS label', () => {
  const long = renderNamespace(DEFAULT_NAMESPACE_TEMPLATE, {
    ...values,
    projectPath: `group/${'a'.repeat(50)}b`,
  });
  assert.equal(long.length, 63);
  assert.ok(isNamespaceName(long));
  const other = renderNamespace(DEFAULT_NAMESPACE_TEMPLATE, {
    ...values,
    projectPath: `group/${'a'.repeat(50)}c`,
  });
  assert.notEqual(long, other);
});

test('template problems are named', () => {
  const cases: Array<[string, RegExp | undefined]> = [
    [DEFAULT_NAMESPACE_TEMPLATE, undefined],
    ['apps-$CI_ENVIRONMENT_SLUG', undefined],
    ['', /empty/],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: GitLab's ${VAR} syntax, not a template
    ['${CI_COMMIT_SHA}', /may use .*got \$\{CI_COMMIT_SHA\}/],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: GitLab's ${VAR} syntax, not a template
    ['Prod_${CI_ENVIRONMENT_SLUG}', /lowercase/],
  ];
  for (const [template, problem] of cases) {
    const found = namespaceTemplateProblem(template);
    if (problem === undefined) assert.equal(found, undefined, template);
    else assert.match(found ?? '', problem, template);
  }
});

test('namespace names', () => {
  assert.ok(isNamespaceName('shop-production'));
  for (const bad of ['', 'Shop', '-a', 'a-', 'a_b', 'x'.repeat(64)]) assert.ok(!isNamespaceName(bad), bad);
});
