import { SshError } from '../ssh/ssh-error.ts';

/**
 * Quotes one argument of an `sftp -b` batch line: double quotes around it, `\` and `"` escaped with a
 * backslash. Inside quotes sftp also takes glob characters (`*?[`) literally, so any file name is
 * safe. Throws {@link SshError} `invalid` for a line break or NUL, which no batch line can carry.
 */
export function sftpQuote(value: string): string {
  if (/[\n\r\0]/.test(value)) {
    throw new SshError(
      'invalid',
      `path ${JSON.stringify(value)} contains a line break or NUL: sftp cannot name it`,
    );
  }
  return `"${value.replaceAll(/[\\"]/g, (character) => `\\${character}`)}"`;
}

/** One batch line: `command "arg" "arg"…`. */
export function sftpCommand(command: string, ...paths: readonly string[]): string {
  return [command, ...paths.map(sftpQuote)].join(' ');
}

/**
 * The same line for a command whose failure the batch ignores (sftp's `-` prefix), e.g. `mkdir` of a
 * directory that may exist already.
 */
export function sftpOptionalCommand(command: string, ...paths: readonly string[]): string {
  return `-${sftpCommand(command, ...paths)}`;
}

/** `dir/name…` without doubled slashes, relative when `dir` is (to the login directory; `.` for none). */
export function remoteJoin(dir: string, ...names: readonly string[]): string {
  const parts = [...dir.split('/'), ...names].filter((part) => part !== '');
  return dir.startsWith('/') ? `/${parts.join('/')}` : parts.join('/') || '.';
}
