import { compileRegex, type RegexProgram } from './regex-engine.ts';

const cache = new Map<string, RegexProgram | null>();
const MAX_PATTERN_LENGTH = 1000;

/**
 * Compiles a file glob the way GitLab matches `rules:changes` and `rules:exists` (Ruby's `fnmatch`
 * with pathname, dot-match and brace extensions): `*` and `?` stay within one path segment, `**`
 * followed by a slash matches any number of directories, `[a-z]`/`[!a-z]` are classes, `{a,b}` alternatives, and a
 * backslash escapes. Returns null for a malformed or oversized pattern. Matching uses the linear-time
 * engine, so no pattern can make it slow.
 */
export function compileGlob(pattern: string): RegexProgram | null {
  const cached = cache.get(pattern);
  if (cached !== undefined) return cached;
  const compiled = pattern.length > MAX_PATTERN_LENGTH ? null : translate(pattern);
  if (cache.size > 1000) cache.clear();
  cache.set(pattern, compiled);
  return compiled;
}

/** Whether a repository-relative path matches the glob (a leading `/` on either is ignored). */
export function matchesGlob(pattern: string, path: string): boolean {
  return compileGlob(pattern.replace(/^\/+/, ''))?.test(path.replace(/^\/+/, '')) ?? false;
}

function translate(pattern: string): RegexProgram | null {
  let out = '';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\') {
      const next = pattern[++i];
      if (next === undefined) return null;
      out += escapeChar(next);
    } else if (char === '*') {
      if (pattern[i + 1] === '*' && (i === 0 || pattern[i - 1] === '/') && pattern[i + 2] === '/') {
        out += '(?:[^/]*/)*';
        i += 2;
      } else {
        while (pattern[i + 1] === '*') i++;
        out += '[^/]*';
      }
    } else if (char === '?') {
      out += '[^/]';
    } else if (char === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close === -1) return null;
      let body = pattern.slice(i + 1, close);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      out += `[${negated ? '^' : ''}${body.replace(/[\\\]^]/g, (c) => `\\${c}`).replace(/^-|-$/g, '\\-')}]`;
      i = close;
    } else if (char === '{') {
      braces++;
      out += '(?:';
    } else if (char === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (char === ',' && braces > 0) {
      out += '|';
    } else {
      out += escapeChar(char);
    }
  }
  if (braces > 0) return null;
  const compiled = compileRegex(`^${out}$`, '');
  return compiled.ok ? compiled.program : null;
}

function escapeChar(char: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(char) ? `\\${char}` : char;
}
