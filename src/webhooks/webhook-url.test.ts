import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GantryError } from '../domain/errors.ts';
import { checkWebhookUrl } from './webhook-url.ts';

test('accepts absolute http and https URLs as given', () => {
  for (const url of ['https://example.com/hooks', 'http://127.0.0.1:9000/x?y=1', 'https://h.example:8443/']) {
    assert.equal(checkWebhookUrl(url), url);
  }
});

test('refuses other schemes, relative URLs, spaces, credentials and very long URLs, naming the field', () => {
  for (const url of [
    'ftp://example.com/',
    'file:///etc/passwd',
    '/hooks',
    'example.com/hooks',
    'https://example.com/a b',
    'https://example.com/\n',
    'https://user:pass@example.com/',
    'https://token@example.com/',
    `https://example.com/${'a'.repeat(2048)}`,
    '',
  ]) {
    assert.throws(
      () => checkWebhookUrl(url, '/config/url'),
      (error: unknown) =>
        error instanceof GantryError &&
        error.code === 'validation_failed' &&
        error.details[0]?.path === '/config/url',
      url,
    );
  }
});
