/** How many hex digits a short digest keeps: as many as `podman images` shows of an image id. */
const SHORT_DIGITS = 12;

/**
 * An image digest as the UI shows it in tables: its algorithm and first 12 hex digits
 * (`sha256:0123456789ab`), enough to tell images apart at a glance; the full one is copied.
 */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return colon === -1 ? digest.slice(0, SHORT_DIGITS) : digest.slice(0, colon + 1 + SHORT_DIGITS);
}
