import { shellQuote } from './shell-quote.ts';

/**
 * The remote side of every command Gantry runs over SSH (`sh -c SUPERVISOR sh SENTINEL`). It reads
 * the script from standard input up to the sentinel line, so commands and environment values never
 * show on a command line (`ps`), and runs it in a subshell with stderr merged into stdout. It then
 * holds the rest of its input: at the end of that input — Gantry ending the command, or the SSH
 * channel closing — it sends the script and its direct children SIGTERM, so an aborted deployment
 * leaves nothing running on the host. It exits with the script's status.
 */
const SUPERVISOR = [
  'exec 3<&0',
  'script=',
  'found=',
  'while IFS= read -r line; do',
  '  if [ "$line" = "$1" ]; then found=1; break; fi',
  '  script="$script$line',
  '"',
  'done',
  // A script cut short must not run.
  '[ -n "$found" ] || exit 255',
  '( eval "$script" ) </dev/null 2>&1 &',
  'child=$!',
  // The script's shell first (its children noted before), so it cannot go on once one of them ends.
  '{ while read -r _; do :; done; kids=$(pgrep -P "$child"); kill -TERM "$child"; [ -z "$kids" ] || kill -TERM $kids; } <&3 >/dev/null 2>&1 &',
  'watch=$!',
  'exec 3<&-',
  'wait "$child"',
  'status=$?',
  'kill "$watch" 2>/dev/null',
  'exit "$status"',
].join('\n');

/** What a remote command runs with. */
export interface RemoteScriptOptions {
  /** Directory to run in; the command fails when it is missing. */
  cwd?: string;
  /** Environment variables, exported before the command. */
  env?: Record<string, string>;
}

/** The remote command line and the standard input that together run `command` under the supervisor. */
export interface RemoteScript {
  commandLine: string;
  input: string;
}

/** Builds the {@link RemoteScript} for a shell command; throws on an environment name the shell cannot export. */
export function remoteScript(command: string, options: RemoteScriptOptions, sentinel: string): RemoteScript {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new Error(`environment variable name ${JSON.stringify(name)} is not valid`);
    lines.push(`export ${name}=${shellQuote(value)}`);
  }
  if (options.cwd !== undefined) lines.push(`cd -- ${shellQuote(options.cwd)} || exit 1`);
  lines.push(command);
  const script = lines.join('\n');
  if (script.split('\n').includes(sentinel)) throw new Error('the script holds the sentinel line');
  return {
    commandLine: `sh -c ${shellQuote(SUPERVISOR)} sh ${shellQuote(sentinel)}`,
    input: `${script}\n${sentinel}\n`,
  };
}
