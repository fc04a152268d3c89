import { GantryError } from '../domain/errors.ts';

/** Longest webhook URL accepted. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/**
 * Checks a webhook receiver's URL: absolute http:// or https://, no spaces or control characters,
 * and no user name or password (URLs are shown in the API; a secret belongs in the hook's token,
 * which is stored encrypted and never shown). Returns it unchanged.
 * @throws GantryError `validation_failed` pointing at `field`.
 */
export function checkWebhookUrl(url: string, field = '/url'): string {
  const invalid = (message: string) =>
    new GantryError('validation_failed', `${message}, got "${url.slice(0, 100)}"`, [
      { path: field, message },
    ]);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (url.length > MAX_WEBHOOK_URL_LENGTH || /[\s\u0000-\u001f\u007f]/.test(url)) {
    throw invalid(`expected a URL of at most ${MAX_WEBHOOK_URL_LENGTH} characters without spaces`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('expected an absolute http:// or https:// URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalid('expected an http:// or https:// URL');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw invalid('expected a URL without credentials (give a secret token instead)');
  }
  return url;
}
