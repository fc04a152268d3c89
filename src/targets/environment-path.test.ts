import assert from 'node:assert/strict';
import { test } from 'node:test';
import { environmentPath, fixedDirectory, samplePath } from './environment-path.ts';

test('the environment slug goes where the path names it, in either spelling', () => {
  assert.equal(environmentPath('/srv/shop-$CI_ENVIRONMENT_SLUG', 'review-a1'), '/srv/shop-review-a1');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: GitLab's ${VAR} syntax, not a template
  assert.equal(environmentPath('sites/${CI_ENVIRONMENT_SLUG}/', 'production'), 'sites/production/');
  assert.equal(environmentPath('/srv/shop', 'production'), '/srv/shop');
  assert.equal(environmentPath('/srv/$CI_ENVIRONMENT_SLUGS', 'x'), '/srv/$CI_ENVIRONMENT_SLUGS');
  assert.equal(samplePath('/srv/$CI_ENVIRONMENT_SLUG'), '/srv/review-x');
});

test('the fixed directory of a template is what a save can check', () => {
  assert.equal(fixedDirectory('/srv/shop'), '/srv/shop');
  assert.equal(fixedDirectory('/srv/shop-$CI_ENVIRONMENT_SLUG'), '/srv');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: GitLab's ${VAR} syntax, not a template
  assert.equal(fixedDirectory('/srv/${CI_ENVIRONMENT_SLUG}/app'), '/srv');
  assert.equal(fixedDirectory('/$CI_ENVIRONMENT_SLUG'), '/');
  assert.equal(fixedDirectory('site-$CI_ENVIRONMENT_SLUG'), '.');
});
