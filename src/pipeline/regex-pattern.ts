import { compileRegex, type RegexProgram } from './regex-engine.ts';

/** Longest accepted pattern. */
export const MAX_PATTERN_LENGTH = 1000;

/** A `/source/flags` regular expression as written in a pipeline file. */
export interface RegexPattern {
  source: string;
  flags: string;
}

/** Why a pattern was rejected, with the offset inside `source` to point at (flags follow the source and its closing slash). */
export interface PatternProblem {
  offset: number;
  message: string;
}

const cache = new Map<string, RegexProgram | null>();

/**
 * Checks a pattern for `rules:if` and `only`/`except`: at most 1000 characters, flags among `i`, `m`,
 * `s`, and syntax that `regex-engine.ts` (RE2's semantics, linear-time matching) accepts.
 */
export function checkRegexPattern(pattern: RegexPattern): PatternProblem | null {
  const { source, flags } = pattern;
  if (source.length === 0) return { offset: 0, message: 'empty regular expression' };
  if (source.length > MAX_PATTERN_LENGTH) {
    return { offset: 0, message: `regular expression longer than ${MAX_PATTERN_LENGTH} characters` };
  }
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i]!;
    if (!'ims'.includes(flag) || flags.indexOf(flag) !== i) {
      return {
        offset: source.length + 1 + i,
        message: `unsupported regular expression flag "${flag}"; expected i, m or s`,
      };
    }
  }
  const compiled = compileRegex(source, flags);
  return compiled.ok
    ? null
    : { offset: compiled.offset, message: `invalid regular expression: ${compiled.message}` };
}

/** The compiled pattern, or null when `checkRegexPattern` rejects it (cached). */
export function compileRegexPattern(pattern: RegexPattern): RegexProgram | null {
  const key = `${pattern.flags}/${pattern.source}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const compiled = checkRegexPattern(pattern) === null ? compileRegex(pattern.source, pattern.flags) : null;
  const program = compiled?.ok ? compiled.program : null;
  if (cache.size > 1000) cache.clear();
  cache.set(key, program);
  return program;
}

/** Reads `/source/flags` text (a variable's value on the right of `=~`, an `only:` entry); null if not one. */
export function parseRegexLiteral(text: string): RegexPattern | null {
  const match = /^\/(.+)\/([A-Za-z]*)$/s.exec(text);
  return match ? { source: match[1]!, flags: match[2]! } : null;
}
