import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentTypeFor } from './content-types.ts';

test('the extension decides the type, case-insensitively', () => {
  assert.equal(contentTypeFor('index.html'), 'text/html; charset=utf-8');
  assert.equal(contentTypeFor('img/Logo.PNG'), 'image/png');
  assert.equal(contentTypeFor('a.b/c.css'), 'text/css; charset=utf-8');
});

test('unknown or missing extensions are octet streams', () => {
  assert.equal(contentTypeFor('data.bin'), 'application/octet-stream');
  assert.equal(contentTypeFor('LICENSE'), 'application/octet-stream');
  assert.equal(contentTypeFor('dir.d/README'), 'application/octet-stream');
});

test('overrides win, with or without the dot', () => {
  assert.equal(contentTypeFor('a.md', { md: 'text/plain' }), 'text/plain');
  assert.equal(contentTypeFor('a.bin', { '.BIN': 'application/x-thing' }), 'application/x-thing');
  assert.equal(contentTypeFor('a.css', { md: 'text/plain' }), 'text/css; charset=utf-8');
});
