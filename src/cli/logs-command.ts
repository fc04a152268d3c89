import { parseArgs } from 'node:util';
import { CliError, type Credentials, loadCredentials } from './api-client.ts';
import { findEnvironment, projectPath } from './deployment-client.ts';
import { type ServerSentEvent, SseParser } from './sse-parser.ts';

export const LOGS_HELP = `Usage: gantry logs PROJECT ENVIRONMENT [-f] [--container NAME] [--pod NAME] [--tail N]
                   [--since DURATION|TIME] [--previous] [--filter TEXT] [--timestamps]

Prints the logs of an environment's containers (all of them merged, each line prefixed with
[pod/container], unless --container or --pod narrows them to one).
  -f, --follow        keep printing lines as they are written
  --tail N            lines from the end of each log to start with (default 500 ; 0 = none)
  --since D|T         only lines since a duration ago (30s, 10m, 2h, 1d) or an ISO-8601 time
  --previous          the previous instance of the container (after a crash or restart)
  --filter TEXT       only lines containing TEXT (ignoring case)
  --timestamps        keep each line's timestamp`;

/** `gantry logs PROJECT ENVIRONMENT`: an environment's container logs, optionally followed. */
export async function logsCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      follow: { type: 'boolean', short: 'f' },
      container: { type: 'string', short: 'c' },
      pod: { type: 'string' },
      tail: { type: 'string' },
      since: { type: 'string' },
      previous: { type: 'boolean' },
      filter: { type: 'string' },
      timestamps: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void process.stdout.write(`${LOGS_HELP}\n`);
  if (positionals.length !== 2) throw new CliError('gantry logs needs PROJECT and ENVIRONMENT (see --help)');
  const [project, name] = positionals as [string, string];
  const credentials = await loadCredentials();
  const environment = await findEnvironment(credentials, project, name);
  const query = new URLSearchParams({
    follow: String(values.follow ?? false),
    previous: String(values.previous ?? false),
    ...(values.container !== undefined && { container: values.container }),
    ...(values.pod !== undefined && { pod: values.pod }),
    ...(values.tail !== undefined && { tail_lines: String(tailLines(values.tail)) }),
    ...(values.since !== undefined && { since: sinceTime(values.since, new Date()) }),
    ...(values.filter !== undefined && { filter: values.filter }),
  });
  const path = `${projectPath(project)}/environments/${environment.id}/logs?${query}`;
  const tagged = values.container === undefined && values.pod === undefined;
  const print = linePrinter({ tagged, timestamps: values.timestamps ?? false });
  await streamEvents(credentials, path, (event) => {
    if (event.event === 'logs') {
      const { source, lines } = JSON.parse(event.data) as { source: string; lines: string[] };
      process.stdout.write(print(source, lines));
    } else if (event.event === 'skipped') {
      const { lines } = JSON.parse(event.data) as { lines: number };
      process.stderr.write(`gantry: ${lines} lines skipped: this terminal fell behind\n`);
    } else if (event.event === 'error') {
      throw new CliError((JSON.parse(event.data) as { message: string }).message);
    }
  });
}

/** Formats lines for the terminal: with `[pod/container] ` when several sources mix, timestamps optional. */
export function linePrinter(options: { tagged: boolean; timestamps: boolean }) {
  return (source: string, lines: readonly string[]): string =>
    lines
      .map((line) => {
        const text = options.timestamps ? line : line.replace(/^\S+ /, '');
        return `${options.tagged ? `[${source}] ` : ''}${text}\n`;
      })
      .join('');
}

/** `--since`: a duration ago (`30s`, `10m`, `2h`, `1d`) or an ISO-8601 time, as ISO-8601. */
export function sinceTime(value: string, now: Date): string {
  const duration = /^(\d+)(s|m|h|d)$/.exec(value);
  if (duration) {
    const seconds = { s: 1, m: 60, h: 3600, d: 86_400 }[duration[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(duration[1]) * seconds * 1000).toISOString();
  }
  if (/^\d{4}-\d\d-\d\dT/.test(value) && Number.isFinite(Date.parse(value))) {
    return new Date(value).toISOString();
  }
  throw new CliError(`--since must be a duration such as 10m or 2h, or an ISO-8601 time, not "${value}"`);
}

function tailLines(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 100_000) {
    throw new CliError('--tail must be a whole number from 0 to 100000');
  }
  return n;
}

/** Reads a Server-Sent Events response to its end, handing each event to `onEvent`. */
async function streamEvents(
  credentials: Credentials,
  path: string,
  onEvent: (event: ServerSentEvent) => void,
): Promise<void> {
  const url = `${credentials.url.replace(/\/+$/, '')}/api/v1${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${credentials.token}`, accept: 'text/event-stream' },
    });
  } catch (error) {
    throw new CliError(
      `cannot reach ${credentials.url}: ${(error as Error).cause ?? (error as Error).message}`,
    );
  }
  if (!response.ok || !response.body) {
    const text = await response.text();
    const message = (() => {
      try {
        return (JSON.parse(text) as { error?: { message?: string } }).error?.message;
      } catch {
        return undefined;
      }
    })();
    throw new CliError(`GET ${path}: ${response.status} ${message ?? response.statusText}`, response.status);
  }
  const parser = new SseParser();
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    for (const event of parser.push(decoder.decode(chunk, { stream: true }))) {
      if (event.event === 'end') return;
      onEvent(event);
    }
  }
}
