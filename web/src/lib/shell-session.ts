import type { ShellServerMessage } from '../api/environment-operations-types.ts';
import { setSourceParams } from './environment-log.ts';

/**
 * The browser shell's logic (`GET …/environments/:environment_id/shell`, a WebSocket): its URL, the
 * command typed as argv, the server's text frames and what to say when a session ends.
 */

/** What the shell runs, where, and the terminal's first size. */
export interface ShellTarget {
  /** `<pod>/<container>`; null lets the server pick the first container. */
  source: string | null;
  command: string[];
  cols: number;
  rows: number;
}

/**
 * The query string of the shell: `pod`, `container`, `command` once per argument, `cols`, `rows`.
 * Shared by the WebSocket and by the plain request that asks why a refused one was refused.
 */
export function shellQuery({ source, command, cols, rows }: ShellTarget): string {
  const params = new URLSearchParams();
  setSourceParams(params, source);
  for (const argument of command) params.append('command', argument);
  params.set('cols', String(cols));
  params.set('rows', String(rows));
  return params.toString();
}

/** The WebSocket URL of `apiPath` on the page's origin: `wss:` when the page is `https:`. */
export function webSocketUrl(location: { protocol: string; host: string }, apiPath: string): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${apiPath}`;
}

/**
 * Splits a command line into arguments as a shell would for plain words and quotes: whitespace
 * separates, `'…'` and `"…"` keep spaces, a backslash escapes the next character (outside single
 * quotes). Nothing is expanded. An empty line means `sh`.
 * @throws Error naming the quote left open.
 */
export function parseCommand(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!;
    if (quote === "'") {
      if (char === "'") quote = null;
      else word += char;
    } else if (char === '\\' && index + 1 < line.length) {
      word = (word ?? '') + line[++index];
    } else if (quote === '"') {
      if (char === '"') quote = null;
      else word += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      word ??= '';
    } else if (/\s/.test(char)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + char;
    }
  }
  if (quote !== null)
    throw new Error(`The command has an unclosed ${quote === '"' ? 'double' : 'single'} quote.`);
  if (word !== null) words.push(word);
  return words.length === 0 ? ['sh'] : words;
}

/** Reads a text frame of the server; null for anything it does not document. */
export function parseShellMessage(text: string): ShellServerMessage | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null) return null;
  const message = body as Record<string, unknown>;
  if (
    message.type === 'started' &&
    typeof message.session_id === 'number' &&
    typeof message.pod === 'string' &&
    typeof message.container === 'string'
  )
    return {
      type: 'started',
      session_id: message.session_id,
      pod: message.pod,
      container: message.container,
    };
  if (
    message.type === 'exit' &&
    (typeof message.exit_code === 'number' || message.exit_code === null) &&
    (message.reason === 'exited' ||
      message.reason === 'idle' ||
      message.reason === 'closed' ||
      message.reason === 'error')
  )
    return {
      type: 'exit',
      exit_code: message.exit_code,
      reason: message.reason,
      ...(typeof message.message === 'string' && { message: message.message }),
    };
  return null;
}

/** The resize frame for a terminal of `cols` × `rows`. */
export function resizeMessage(cols: number, rows: number): string {
  return JSON.stringify({ type: 'resize', cols, rows });
}

/** What to tell the user when the server says the session ended. */
export function exitText(exit: Extract<ShellServerMessage, { type: 'exit' }>): string {
  switch (exit.reason) {
    case 'exited':
      return exit.exit_code === null
        ? 'The command ended.'
        : `The command exited with code ${exit.exit_code}.`;
    case 'idle':
      return 'The session was closed after a while without keystrokes (idle timeout).';
    case 'closed':
      return 'The session was closed.';
    case 'error':
      return `The session failed${exit.message ? `: ${exit.message}` : '.'}`;
  }
}

/** The bytes a terminal sends for `data` (xterm's `onData` strings are UTF-16; the shell reads UTF-8). */
export function keystrokeBytes(data: string, binary = false): Uint8Array<ArrayBuffer> {
  if (!binary) return new TextEncoder().encode(data);
  // xterm's `onBinary`: one byte per character (mouse reports that are not valid UTF-8).
  return Uint8Array.from(data, (char) => char.charCodeAt(0) & 0xff);
}
