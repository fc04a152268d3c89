import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { GantryError } from '../domain/errors.ts';
import { type VerifiedWebhook, verifyIncomingWebhook, type WebhookHeaders } from './incoming-webhook.ts';

const SECRET = 'webhook-secret';
const BODY = Buffer.from('{"ref":"refs/heads/main","after":"0123456789abcdef"}');
const hmac = (body: Buffer, secret = SECRET): string =>
  createHmac('sha256', secret).update(body).digest('hex');

test('accepts correctly signed webhooks from each provider', () => {
  const cases: { name: string; headers: WebhookHeaders; expected: VerifiedWebhook }[] = [
    {
      name: 'GitHub push',
      headers: { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac(BODY)}` },
      expected: { provider: 'github', event: 'push' },
    },
    {
      name: 'GitHub ping',
      headers: { 'x-github-event': 'ping', 'x-hub-signature-256': `sha256=${hmac(BODY)}` },
      expected: { provider: 'github', event: 'ping' },
    },
    {
      name: 'GitHub other event, upper-case hex, mixed-case header names',
      headers: { 'X-GitHub-Event': 'issues', 'X-Hub-Signature-256': `sha256=${hmac(BODY).toUpperCase()}` },
      expected: { provider: 'github', event: 'other' },
    },
    {
      name: 'GitLab push',
      headers: { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': SECRET },
      expected: { provider: 'gitlab', event: 'push' },
    },
    {
      name: 'GitLab tag push',
      headers: { 'x-gitlab-event': 'Tag Push Hook', 'x-gitlab-token': SECRET },
      expected: { provider: 'gitlab', event: 'push' },
    },
    {
      name: 'GitLab merge request',
      headers: { 'x-gitlab-event': 'Merge Request Hook', 'x-gitlab-token': [SECRET] },
      expected: { provider: 'gitlab', event: 'other' },
    },
    {
      name: 'Gitea push',
      headers: { 'x-gitea-event': 'push', 'x-gitea-signature': hmac(BODY) },
      expected: { provider: 'gitea', event: 'push' },
    },
    {
      name: 'Gitea with GitHub-compatible headers too is still Gitea',
      headers: {
        'x-gitea-event': 'push',
        'x-gitea-signature': hmac(BODY),
        'x-github-event': 'push',
        'x-hub-signature-256': 'sha256=00',
      },
      expected: { provider: 'gitea', event: 'push' },
    },
    {
      name: 'Forgejo (Gitea headers plus its own)',
      headers: { 'x-forgejo-event': 'create', 'x-gitea-event': 'create', 'x-gitea-signature': hmac(BODY) },
      expected: { provider: 'gitea', event: 'other' },
    },
  ];
  for (const { name, headers, expected } of cases) {
    assert.deepEqual(verifyIncomingWebhook(headers, BODY, SECRET), expected, name);
  }
});

test('refuses missing, wrong or tampered signatures with a clear unauthorized error', () => {
  const tampered = Buffer.from(BODY.toString().replace('main', 'evil'));
  const cases: { name: string; headers: WebhookHeaders; body?: Buffer; secret?: string; message: RegExp }[] =
    [
      { name: 'no headers at all', headers: {}, message: /unrecognised webhook/ },
      {
        name: 'unknown provider',
        headers: { 'x-bitbucket-event': 'repo:push', 'x-hub-signature': 'sha1=00' },
        message: /unrecognised webhook/,
      },
      {
        name: 'GitHub without signature',
        headers: { 'x-github-event': 'push' },
        message: /no X-Hub-Signature-256 header/,
      },
      {
        name: 'GitHub wrong secret',
        headers: { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac(BODY, 'other')}` },
        message: /does not match/,
      },
      {
        name: 'GitHub tampered body',
        headers: { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac(BODY)}` },
        body: tampered,
        message: /does not match/,
      },
      {
        name: 'GitHub without sha256= prefix',
        headers: { 'x-github-event': 'push', 'x-hub-signature-256': hmac(BODY) },
        message: /does not match/,
      },
      {
        name: 'GitHub sha1 prefix',
        headers: { 'x-github-event': 'push', 'x-hub-signature-256': `sha1=${hmac(BODY)}` },
        message: /does not match/,
      },
      {
        name: 'GitHub truncated signature',
        headers: { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac(BODY).slice(0, 62)}` },
        message: /does not match/,
      },
      {
        name: 'GitHub signature too long',
        headers: { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac(BODY)}00` },
        message: /does not match/,
      },
      {
        name: 'GitHub non-hex signature',
        headers: { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${'z'.repeat(64)}` },
        message: /does not match/,
      },
      {
        name: 'GitHub signature sent twice',
        headers: {
          'x-github-event': 'push',
          'x-hub-signature-256': [`sha256=${hmac(BODY)}`, `sha256=${hmac(BODY)}`],
        },
        message: /no X-Hub-Signature-256/,
      },
      {
        name: 'GitLab without token',
        headers: { 'x-gitlab-event': 'Push Hook' },
        message: /no X-Gitlab-Token header/,
      },
      {
        name: 'GitLab wrong token',
        headers: { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'guess' },
        message: /X-Gitlab-Token header does not match/,
      },
      {
        name: 'GitLab token prefix',
        headers: { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': SECRET.slice(0, -1) },
        message: /does not match/,
      },
      {
        name: 'GitLab empty token',
        headers: { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': '' },
        message: /does not match/,
      },
      {
        name: 'Gitea without signature',
        headers: { 'x-gitea-event': 'push' },
        message: /no X-Gitea-Signature header/,
      },
      {
        name: 'Gitea with only a GitHub signature',
        headers: { 'x-gitea-event': 'push', 'x-hub-signature-256': `sha256=${hmac(BODY)}` },
        message: /no X-Gitea-Signature/,
      },
      {
        name: 'Gitea wrong secret',
        headers: { 'x-gitea-event': 'push', 'x-gitea-signature': hmac(BODY, 'other') },
        message: /does not match/,
      },
      {
        name: 'Gitea tampered body',
        headers: { 'x-gitea-event': 'push', 'x-gitea-signature': hmac(BODY) },
        body: tampered,
        message: /does not match/,
      },
      {
        name: 'no secret configured',
        headers: { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac(BODY, '')}` },
        secret: '',
        message: /no webhook secret is configured/,
      },
    ];
  for (const { name, headers, body = BODY, secret = SECRET, message } of cases) {
    assert.throws(
      () => verifyIncomingWebhook(headers, body, secret),
      (error) => {
        assert.ok(error instanceof GantryError, name);
        assert.equal(error.code, 'unauthorized', name);
        assert.match(error.message, message, name);
        assert.ok(!error.message.includes(secret) || secret === '', `${name}: message leaks the secret`);
        return true;
      },
      name,
    );
  }
});

test('signatures cover the exact raw bytes', () => {
  const body = Buffer.from('{"a": 1}\n');
  const headers = { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac(body)}` };
  assert.equal(verifyIncomingWebhook(headers, body, SECRET).provider, 'github');
  assert.throws(() => verifyIncomingWebhook(headers, Buffer.from('{"a":1}'), SECRET), GantryError);
  assert.equal(
    verifyIncomingWebhook(
      { ...headers, 'x-hub-signature-256': `sha256=${hmac(Buffer.alloc(0))}` },
      Buffer.alloc(0),
      SECRET,
    ).event,
    'push',
  );
});
