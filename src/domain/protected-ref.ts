/** What a protected ref rule names: branches or tags. */
export type RefKind = 'branch' | 'tag';

// A branch or tag name, or a pattern of one with `*`: no whitespace or control characters, none of
// git's forbidden `~ ^ : ? [ \`, not starting with `-` or `/`, at most 255 characters.
const REF_PATTERN = /^(?![-/])[^\s~^:?[\\\p{Cc}]{1,255}$/u;

/** Whether `name` can name a protected branch or tag (an exact name or a `*` pattern). */
export function isValidRefPattern(name: string): boolean {
  return REF_PATTERN.test(name) && !name.startsWith('refs/') && !name.endsWith('/') && !name.includes('//');
}

/**
 * Whether one rule covers `ref`, a short branch or tag name (`main`, `v1.2`), as GitLab's RefMatcher
 * decides: the exact name, or a pattern whose `*` matches any characters, `/` included, or none
 * (`release/*` covers `release/1.0` and `release/a/b`; `*-stable` covers `8-1-stable`).
 */
export function refPatternMatches(pattern: string, ref: string): boolean {
  if (pattern === '') return false;
  if (pattern === ref) return true;
  if (!pattern.includes('*')) return false;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*?');
  return new RegExp(`^${source}$`, 's').test(ref);
}

/** Whether any of the rules covers `ref`. */
export function isProtectedRef(patterns: readonly string[], ref: string): boolean {
  return patterns.some((pattern) => refPatternMatches(pattern, ref));
}
