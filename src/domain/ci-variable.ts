/** GitLab's variable types: an environment variable, or a file whose path the variable holds. */
export const VARIABLE_TYPES = ['env_var', 'file'] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];

/** A variable key as GitLab accepts it: letters, digits and `_`, 1 to 255 characters. */
export const VARIABLE_KEY_PATTERN = '^[A-Za-z0-9_]{1,255}$';
const KEY = new RegExp(VARIABLE_KEY_PATTERN);

/** The least number of characters a masked value may have (shorter ones would mask common words in logs). */
export const MASKED_MIN_LENGTH = 8;

// GitLab's Ci::Maskable rules. An expanded value (raw: false) may only use the Base64 alphabet and
// `@ : . ~`, since `$` would be expanded and change the text the log shows; a raw value only needs
// to be one word.
const MASKABLE_EXPANDED = /^[A-Za-z0-9_+=/@:.~-]+$/;
const WHITESPACE = /\s/;
// Names the server itself defines (CI_COMMIT_SHA, GITLAB_USER_LOGIN, GANTRY_CI, CI).
const PREDEFINED_NAME = /^(CI|GITLAB|GANTRY)(_[A-Za-z0-9_]*)?$/;

/** Whether a key is a valid variable name. */
export function isValidVariableKey(key: string): boolean {
  return KEY.test(key);
}

/**
 * Why a value cannot be masked, or null when it can, by GitLab's documented rules: one line without
 * spaces, at least 8 characters, only `A-Z a-z 0-9 _ + = / @ : . ~ -` unless the variable is raw,
 * and not the name of a predefined or defined variable (the name in a log would be masked too).
 * The message never repeats the value.
 *
 * @param variableKeys keys of the variables defined where this one is (its own included).
 */
export function maskedValueProblem(
  value: string,
  options: { raw: boolean; variableKeys?: Iterable<string> },
): string | null {
  if (WHITESPACE.test(value)) return 'a masked value must be a single line without spaces';
  if (value.length < MASKED_MIN_LENGTH) {
    return `a masked value must be at least ${MASKED_MIN_LENGTH} characters long`;
  }
  if (!options.raw && !MASKABLE_EXPANDED.test(value)) {
    return 'a masked value may only use letters, digits and _ + = / @ : . ~ - (set raw: true to allow other characters)';
  }
  if (PREDEFINED_NAME.test(value)) return 'a masked value must not be the name of a predefined variable';
  for (const key of options.variableKeys ?? []) {
    if (key === value) return 'a masked value must not be the name of a CI/CD variable';
  }
  return null;
}
