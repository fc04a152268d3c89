import { basename, matchesGlob } from 'node:path/posix';

/** A `Cache-Control` value for the files a glob matches. */
export interface CacheControlRule {
  /**
   * A glob (`*`, `**`, `?`, `{a,b}`): without a `/` it matches the file's name in any folder
   * (`'*.html'`); with one, the path from the site's root (`'assets/**'`). `'**'` matches every file.
   */
  pattern: string;
  value: string;
}

/** The `Cache-Control` of a site file: the value of the first rule matching it, or null when none does. */
export function cacheControlFor(path: string, rules: readonly CacheControlRule[]): string | null {
  for (const { pattern, value } of rules) {
    const subject = pattern.includes('/') || pattern.includes('**') ? path : basename(path);
    if (matchesGlob(subject, pattern)) return value;
  }
  return null;
}
