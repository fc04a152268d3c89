import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Where `gantry login` keeps the server URL and token (mode 0600). */
export function credentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'gantry', 'credentials.json');
}

export interface Credentials {
  url: string;
  token: string;
}

export async function saveCredentials(
  credentials: Credentials,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const file = credentialsFile(env);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}

/** Credentials from GANTRY_URL / GANTRY_TOKEN, else from the file `gantry login` wrote. */
export async function loadCredentials(env: NodeJS.ProcessEnv = process.env): Promise<Credentials> {
  if (env.GANTRY_URL && env.GANTRY_TOKEN) return { url: env.GANTRY_URL, token: env.GANTRY_TOKEN };
  const text = await readFile(credentialsFile(env), 'utf8').catch(() => undefined);
  if (text === undefined)
    throw new CliError(
      'not logged in: run "gantry login --url URL --token TOKEN" or set GANTRY_URL and GANTRY_TOKEN',
    );
  const parsed = JSON.parse(text) as Partial<Credentials>;
  if (typeof parsed.url !== 'string' || typeof parsed.token !== 'string') {
    throw new CliError(`${credentialsFile(env)} is damaged: run "gantry login" again`);
  }
  return { url: env.GANTRY_URL || parsed.url, token: env.GANTRY_TOKEN || parsed.token };
}

/** An error the CLI prints as one line and exits 1 on, without a stack trace. */
export class CliError extends Error {
  /** The HTTP status when the error is the server's answer, so callers can react to e.g. 409. */
  readonly status: number | undefined;

  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

/** Calls the Gantry API; a non-2xx answer becomes a CliError carrying the server's message. */
export async function callApi<T>(
  credentials: Credentials,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ data: T; headers: Headers }> {
  const url = `${credentials.url.replace(/\/+$/, '')}/api/v1${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${credentials.token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new CliError(
      `cannot reach ${credentials.url}: ${(error as Error).cause ?? (error as Error).message}`,
    );
  }
  const text = await response.text();
  const data = text === '' ? undefined : (JSON.parse(text) as unknown);
  if (!response.ok) {
    const message =
      (data as { error?: { message?: string } } | undefined)?.error?.message ?? response.statusText;
    throw new CliError(`${method} ${path}: ${response.status} ${message}`, response.status);
  }
  return { data: data as T, headers: response.headers };
}
