import { VARIABLE_KEY } from './job-environment.ts';

/**
 * Limits of an `artifacts:reports:dotenv` file. GitLab's are 5 KiB and 20 variables (its older
 * default; newer plans allow more); the value limit is Gantry's own, since the values travel as
 * variables to later jobs and may end up in environment URLs.
 */
export const DOTENV_LIMITS = { maxFileBytes: 5 * 1024, maxVariables: 20, maxValueBytes: 2 * 1024 } as const;

/** A dotenv report that breaks the rules; the whole report is refused, as GitLab refuses it. */
export class DotenvError extends Error {
  /** 1-based line number of the offending line, or null for whole-file problems. */
  readonly line: number | null;

  constructor(message: string, line: number | null) {
    super(line === null ? message : `line ${line}: ${message}`);
    this.name = 'DotenvError';
    this.line = line;
  }
}

/**
 * Parses a dotenv report with GitLab's rules, plus two relaxations. Each line is `KEY=value`:
 * the key is trimmed and must be a variable name (`[A-Za-z_][A-Za-z0-9_]*`), the value is
 * everything after the first `=`, trimmed; nothing is expanded (`$OTHER` stays as written), no
 * escapes are processed, and a value cannot span lines. Refused: `export KEY=…`, lines without
 * `=`, files over 5 KiB, values over 2 KiB, more than 20 variables. Relaxations, since shell
 * scripts write them naturally: blank lines and lines starting with `#` are skipped (GitLab refuses
 * them), and one pair of matching surrounding quotes (`"…"` or `'…'`) is removed from a value
 * (GitLab keeps quotes as part of the value). A key given twice takes its last value. Lines may end
 * with CRLF.
 */
export function parseDotenv(text: string): Record<string, string> {
  if (Buffer.byteLength(text) > DOTENV_LIMITS.maxFileBytes) {
    throw new DotenvError(`the file is larger than ${DOTENV_LIMITS.maxFileBytes} bytes`, null);
  }
  if (text.includes('\0')) throw new DotenvError('the file contains a NUL byte', null);
  const variables = new Map<string, string>();
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const number = index + 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const equals = line.indexOf('=');
    if (equals === -1) throw new DotenvError('expected KEY=value', number);
    const key = line.slice(0, equals).trim();
    if (/^export\s/.test(key)) throw new DotenvError('`export` is not supported; write KEY=value', number);
    if (!VARIABLE_KEY.test(key)) {
      throw new DotenvError(`${JSON.stringify(key.slice(0, 64))} is not a valid variable name`, number);
    }
    const value = unquote(line.slice(equals + 1).trim());
    if (Buffer.byteLength(value) > DOTENV_LIMITS.maxValueBytes) {
      throw new DotenvError(
        `the value of ${key} is longer than ${DOTENV_LIMITS.maxValueBytes} bytes`,
        number,
      );
    }
    variables.set(key, value);
    if (variables.size > DOTENV_LIMITS.maxVariables) {
      throw new DotenvError(`more than ${DOTENV_LIMITS.maxVariables} variables`, number);
    }
  });
  // fromEntries defines own properties, so a key such as __proto__ stays an ordinary key.
  return Object.fromEntries(variables);
}

function unquote(value: string): string {
  if (value.length >= 2) {
    const first = value[0];
    if ((first === '"' || first === "'") && value.endsWith(first)) return value.slice(1, -1);
  }
  return value;
}
