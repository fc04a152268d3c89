import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GantryError } from '../../domain/errors.ts';
import { mavenRepository, mergeMavenSettings } from './maven-settings.ts';

test('a repository URL with a user and password kept apart; an update keeps the password', () => {
  const saved = mergeMavenSettings(
    { url: 'https://repo.example.com/releases/', username: 'ci', password: 'pw' },
    null,
  );
  assert.deepEqual(saved.config, {
    url: 'https://repo.example.com/releases/',
    username: 'ci',
    password_set: true,
  });
  assert.deepEqual(mavenRepository(saved.config, saved.credentials), {
    url: 'https://repo.example.com/releases/',
    username: 'ci',
    password: 'pw',
  });
  assert.equal(mergeMavenSettings({ url: 'http://127.0.0.1:8081/' }, saved).credentials.password, 'pw');
  assert.equal(mergeMavenSettings({ username: null, password: null }, saved).config.password_set, false);
});

test('bad settings are refused, naming the field', () => {
  const refused = (input: object, path: string) =>
    assert.throws(
      () => mergeMavenSettings(input, null),
      (error: GantryError) => error.details?.[0]?.path === path,
    );
  refused({ url: 'repo.example.com' }, '/maven/url');
  refused({ url: 'https://ci:pw@repo.example.com/' }, '/maven/url');
  refused({ url: 'https://repo.example.com/', password: 'pw' }, '/maven/password');
  refused({ url: 'https://repo.example.com/', username: 'a:b', password: 'pw' }, '/maven/username');
});
