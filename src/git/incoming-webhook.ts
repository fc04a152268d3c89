import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { GantryError } from '../domain/errors.ts';

/** Request headers as node:http gives them (names in any case are accepted). */
export type WebhookHeaders = Record<string, string | string[] | undefined>;

/** Who sent a verified webhook and what it announces. */
export interface VerifiedWebhook {
  provider: 'github' | 'gitlab' | 'gitea';
  /** `push` for branch and tag pushes, `ping` for GitHub's set-up check, `other` for the rest. */
  event: 'push' | 'ping' | 'other';
}

/**
 * Verifies an incoming webhook from GitHub (`X-Hub-Signature-256: sha256=<hex>`), GitLab
 * (`X-Gitlab-Token: <secret>`) or Gitea/Forgejo (`X-Gitea-Signature: <hex>`), where the hex
 * signatures are HMAC-SHA256 of the raw body with the shared secret. Gitea is recognised first
 * because it also sends GitHub-style headers. Comparisons are constant-time. `rawBody` must be the
 * exact bytes received, before any JSON parsing.
 * @throws GantryError `unauthorized` when no secret is configured, the provider is not recognised,
 *   or the signature or token is missing or wrong.
 */
export function verifyIncomingWebhook(
  headers: WebhookHeaders,
  rawBody: Buffer,
  secret: string,
): VerifiedWebhook {
  if (secret === '') {
    // An empty HMAC key is public knowledge: anyone could sign.
    throw new GantryError('unauthorized', 'incoming webhooks are disabled: no webhook secret is configured');
  }
  const header = lowerCased(headers);

  const giteaEvent = header('x-gitea-event') ?? header('x-forgejo-event');
  if (giteaEvent !== undefined || header('x-gitea-signature') !== undefined) {
    const signature = header('x-gitea-signature');
    if (signature === undefined) throw missing('X-Gitea-Signature', 'Gitea');
    if (!hmacMatches(signature, rawBody, secret)) throw mismatch('X-Gitea-Signature', 'Gitea');
    return { provider: 'gitea', event: eventOf(giteaEvent, ['push'], ['ping']) };
  }

  const gitlabEvent = header('x-gitlab-event');
  if (gitlabEvent !== undefined || header('x-gitlab-token') !== undefined) {
    const token = header('x-gitlab-token');
    if (token === undefined) throw missing('X-Gitlab-Token', 'GitLab');
    if (!tokenMatches(token, secret)) {
      throw new GantryError('unauthorized', 'the X-Gitlab-Token header does not match the webhook secret');
    }
    return { provider: 'gitlab', event: eventOf(gitlabEvent, ['Push Hook', 'Tag Push Hook'], []) };
  }

  const githubEvent = header('x-github-event');
  if (githubEvent !== undefined || header('x-hub-signature-256') !== undefined) {
    const signature = header('x-hub-signature-256');
    if (signature === undefined) throw missing('X-Hub-Signature-256', 'GitHub');
    if (
      !signature.startsWith('sha256=') ||
      !hmacMatches(signature.slice('sha256='.length), rawBody, secret)
    ) {
      throw mismatch('X-Hub-Signature-256', 'GitHub');
    }
    return { provider: 'github', event: eventOf(githubEvent, ['push'], ['ping']) };
  }

  throw new GantryError(
    'unauthorized',
    'unrecognised webhook: expected a signed GitHub (X-Hub-Signature-256), GitLab (X-Gitlab-Token) or ' +
      'Gitea (X-Gitea-Signature) request',
  );
}

/** Header lookup by lower-cased name; a header sent more than once counts as absent (ambiguous). */
function lowerCased(headers: WebhookHeaders): (name: string) => string | undefined {
  const map = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(headers)) {
    const single = Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
    const key = name.toLowerCase();
    map.set(key, map.has(key) ? undefined : single);
  }
  return (name) => map.get(name);
}

function eventOf(
  value: string | undefined,
  push: readonly string[],
  ping: readonly string[],
): VerifiedWebhook['event'] {
  if (value === undefined) return 'other';
  if (push.includes(value)) return 'push';
  if (ping.includes(value)) return 'ping';
  return 'other';
}

function hmacMatches(hex: string, body: Buffer, secret: string): boolean {
  const expected = createHmac('sha256', secret).update(body).digest();
  if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== expected.length * 2) return false;
  return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
}

function tokenMatches(token: string, secret: string): boolean {
  // Hashing both sides gives equal lengths, so the comparison reveals nothing about the secret's length.
  const a = createHash('sha256').update(token, 'utf8').digest();
  const b = createHash('sha256').update(secret, 'utf8').digest();
  return timingSafeEqual(a, b);
}

function missing(header: string, provider: string): GantryError {
  return new GantryError(
    'unauthorized',
    `the ${provider} webhook has no ${header} header: set a secret in its settings`,
  );
}

function mismatch(header: string, provider: string): GantryError {
  return new GantryError(
    'unauthorized',
    `the ${header} header does not match the request body signed with the webhook secret (${provider})`,
  );
}
