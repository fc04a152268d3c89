import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EMPTY_MAVEN_TARGET_FORM, mavenSettings, mavenTargetForm } from './maven-target-body.ts';

test('a repository sends its URL, and credentials only when typed', () => {
  assert.deepEqual(mavenSettings({ ...EMPTY_MAVEN_TARGET_FORM, url: ' http://127.0.0.1:8081/releases ' }), {
    url: 'http://127.0.0.1:8081/releases',
  });
  assert.deepEqual(mavenSettings({ url: 'u', username: ' ci ', password: ' p w ' }), {
    url: 'u',
    username: 'ci',
    password: ' p w ',
  });
});

test('a stored repository edits with the username and a blank password (kept)', () => {
  assert.deepEqual(mavenTargetForm({ url: 'u', username: null, password_set: false }), {
    url: 'u',
    username: '',
    password: '',
  });
});
