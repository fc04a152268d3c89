import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { CliError, loadCredentials } from './api-client.ts';
import { findEnvironment, projectPath } from './deployment-client.ts';

export const EXEC_HELP = `Usage: gantry exec PROJECT ENVIRONMENT [--container NAME] [--pod NAME] [-- COMMAND [ARG…]]

Opens a shell (or runs COMMAND, default sh) in a container of the environment, with this terminal
attached: keystrokes go to it, its output comes here, resizing this terminal resizes it. Exits
with the command's exit code. Needs the project's shell role (maintainer by default) and a token
with the api scope; every session is recorded.`;

/** `gantry exec PROJECT ENVIRONMENT [-- COMMAND…]`: a terminal into an environment's container. */
export async function execCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      container: { type: 'string', short: 'c' },
      pod: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void process.stdout.write(`${EXEC_HELP}\n`);
  if (positionals.length < 2) throw new CliError('gantry exec needs PROJECT and ENVIRONMENT (see --help)');
  const [project, name, ...command] = positionals as [string, string, ...string[]];
  const credentials = await loadCredentials();
  const environment = await findEnvironment(credentials, project, name);
  const query = new URLSearchParams({
    cols: String(process.stdout.columns || 80),
    rows: String(process.stdout.rows || 24),
    ...(values.container !== undefined && { container: values.container }),
    ...(values.pod !== undefined && { pod: values.pod }),
  });
  for (const arg of command) query.append('command', arg);
  const url = new URL(
    `/api/v1${projectPath(project)}/environments/${environment.id}/shell?${query}`,
    credentials.url.replace(/^http/, 'ws'),
  );
  const exitCode = await attach(url, credentials.token);
  process.exit(exitCode);
}

/** Connects the terminal to the shell WebSocket; resolves with the exit code to exit with. */
function attach(url: URL, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    const stdin = process.stdin;
    const raw = stdin.isTTY === true;
    let exitCode = 1;
    const restore = () => {
      if (raw) stdin.setRawMode(false);
      stdin.pause();
      process.stdout.off('resize', resize);
    };
    const resize = () =>
      socket.send(
        JSON.stringify({ type: 'resize', cols: process.stdout.columns, rows: process.stdout.rows }),
      );
    socket.on('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let message = text;
        try {
          message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
        } catch {
          // Not JSON: shown as it is.
        }
        reject(new CliError(`shell refused: ${response.statusCode} ${message}`, response.statusCode));
      });
    });
    socket.on('error', (error) => reject(new CliError(`shell connection failed: ${error.message}`)));
    socket.on('open', () => {
      if (raw) stdin.setRawMode(true);
      stdin.on('data', (data: Buffer) => socket.send(data, { binary: true }));
      stdin.resume();
      process.stdout.on('resize', resize);
    });
    socket.on('message', (data, isBinary) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (isBinary) {
        process.stdout.write(bytes);
        return;
      }
      const message = JSON.parse(bytes.toString('utf8')) as {
        type: string;
        exit_code?: number | null;
        reason?: string;
        message?: string;
      };
      if (message.type === 'exit') {
        exitCode = message.exit_code ?? 1;
        if (message.reason !== 'exited') {
          process.stderr.write(
            `\ngantry: shell ended (${message.reason}${message.message ? `: ${message.message}` : ''})\n`,
          );
        }
      }
    });
    socket.on('close', () => {
      restore();
      resolve(exitCode);
    });
  });
}
