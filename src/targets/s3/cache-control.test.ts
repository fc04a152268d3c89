import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cacheControlFor } from './cache-control.ts';

const rules = [
  { pattern: '*.html', value: 'no-cache' },
  { pattern: 'assets/**', value: 'public, max-age=31536000, immutable' },
  { pattern: '**', value: 'public, max-age=300' },
];

test('a pattern without a slash matches the file name in any folder', () => {
  assert.equal(cacheControlFor('index.html', rules), 'no-cache');
  assert.equal(cacheControlFor('docs/guide/index.html', rules), 'no-cache');
});

test('a pattern with a slash matches the path from the root; the first match wins', () => {
  assert.equal(cacheControlFor('assets/app.1234.js', rules), 'public, max-age=31536000, immutable');
  assert.equal(cacheControlFor('assets/page.html', rules), 'no-cache');
  assert.equal(cacheControlFor('robots.txt', rules), 'public, max-age=300');
  assert.equal(cacheControlFor('deep/er/robots.txt', rules), 'public, max-age=300');
});

test('no matching rule means no header', () => {
  assert.equal(cacheControlFor('a.css', [{ pattern: '*.html', value: 'no-cache' }]), null);
  assert.equal(cacheControlFor('a.css', []), null);
});
