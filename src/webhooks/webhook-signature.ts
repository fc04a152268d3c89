import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying a delivery's signature, as GitHub names it (`X-Hub-Signature-256`) but Gantry's own. */
export const SIGNATURE_HEADER = 'x-gantry-signature-256';

/**
 * The signature of a webhook body: `sha256=` and the hex HMAC-SHA256 of the exact body bytes keyed
 * with the hook's secret, GitHub's scheme, so receivers written for GitHub verify it unchanged.
 */
export function signWebhookBody(secret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Whether `header` is the signature of `body` under `secret`, compared in constant time. */
export function verifyWebhookSignature(
  secret: string,
  body: string | Uint8Array,
  header: string | undefined,
): boolean {
  if (header === undefined) return false;
  const expected = Buffer.from(signWebhookBody(secret, body));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
