/**
 * Whether a text is an absolute http:// or https:// URL, the only kind Gantry stores for
 * environments and reported deployment links (no `javascript:`, `file:` or relative URLs).
 */
export function isHttpUrl(text: string): boolean {
  if (/\s/.test(text) || !URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:';
}
