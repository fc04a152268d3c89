import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const GANTRY_BIN = fileURLToPath(new URL('../../bin/gantry', import.meta.url));

/** A `bin/gantry` child process with its output collected. */
export interface GantryProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/** Runs `bin/gantry` with `args` and a minimal environment plus `env`. */
export function runGantry(args: string[], env: Record<string, string> = {}): GantryProcess {
  const child = spawn(GANTRY_BIN, args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits until `url` answers 200, or fails after `timeoutMs` with the process output. */
export async function waitUntilReady(url: string, process: GantryProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (process.child.exitCode !== null) {
      throw new Error(`gantry exited with ${process.child.exitCode}: ${process.stderr()}${process.stdout()}`);
    }
    const ok = await fetch(url).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gantry did not become ready at ${url}: ${process.stderr()}${process.stdout()}`);
}

/**
 * A `gantry serve` on a fixed port and data directory that a test can kill (-9) and start again,
 * with an admin API client: what the crash and restart tests share.
 */
export interface RestartableGantry {
  base(): string;
  /** Starts the server (again) and waits until it is ready. */
  start(): Promise<void>;
  /** SIGKILL, then waits for the process to end. */
  kill(): Promise<void>;
  /** Calls `/api/v1/<path>` as the initial admin; the body is parsed JSON (undefined when empty). */
  api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

export function restartableGantry(options: {
  port: number;
  dataDir: string;
  adminToken: string;
  env?: Record<string, string>;
}): RestartableGantry {
  let server: GantryProcess | undefined;
  const base = () => `http://127.0.0.1:${options.port}`;
  return {
    base,
    async start() {
      server = runGantry(['serve', '--port', String(options.port), '--data-dir', options.dataDir], {
        GANTRY_INITIAL_ADMIN_TOKEN: options.adminToken,
        GANTRY_LOG_LEVEL: 'warn',
        GANTRY_MIRROR_INTERVAL: '0',
        ...options.env,
      });
      await waitUntilReady(`${base()}/readyz`, server);
    },
    async kill() {
      server?.child.kill('SIGKILL');
      await server?.exited;
    },
    async api<T>(method: string, path: string, body?: unknown) {
      const response = await fetch(`${base()}/api/v1/${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.adminToken}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
    },
  };
}
