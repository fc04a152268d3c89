import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature.ts';

test('signs the exact body bytes with HMAC-SHA256, as GitHub does', () => {
  const body = '{"object_kind":"pipeline","note":"héllo"}';
  const expected = createHmac('sha256', 's3cret').update(Buffer.from(body, 'utf8')).digest('hex');
  assert.equal(signWebhookBody('s3cret', body), `sha256=${expected}`);
  assert.equal(signWebhookBody('s3cret', Buffer.from(body, 'utf8')), `sha256=${expected}`);
});

test('GitHub documentation example verifies', () => {
  // The example from GitHub's "Validating webhook deliveries" page.
  assert.equal(
    signWebhookBody("It's a Secret to Everybody", 'Hello, World!'),
    'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
  );
});

test('verification refuses another body, another secret, a missing or malformed header', () => {
  const header = signWebhookBody('key', 'body');
  assert.equal(verifyWebhookSignature('key', 'body', header), true);
  assert.equal(verifyWebhookSignature('key', 'body ', header), false);
  assert.equal(verifyWebhookSignature('other', 'body', header), false);
  assert.equal(verifyWebhookSignature('key', 'body', undefined), false);
  assert.equal(verifyWebhookSignature('key', 'body', 'sha256=00'), false);
});
