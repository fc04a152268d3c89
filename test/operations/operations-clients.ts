import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { type ServerSentEvent, SseParser } from '../../src/cli/sse-parser.ts';

// Clients of the environment operations API as tests and benchmarks use them: a Server-Sent
// Events reader for logs and a WebSocket terminal for shells.

/** A log stream being read: every event so far, the lines of `logs` events, and how to stop. */
export interface LogReader {
  events: ServerSentEvent[];
  lines(): string[];
  /** Resolves when `check` holds for the lines read so far; fails after `timeoutMs`. */
  until(check: (lines: string[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Resolves when the stream ended (an `end` or `error` event, or the server closed it). */
  readonly ended: Promise<void>;
  close(): void;
}

/** Opens `GET <url>` as Server-Sent Events with a bearer token; rejects with the JSON error of a refusal. */
export async function readLogs(url: string, token: string): Promise<LogReader> {
  const stop = new AbortController();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: stop.signal });
  if (!response.ok || !response.body) {
    throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  }
  const events: ServerSentEvent[] = [];
  const waiters = new Set<() => void>();
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const body = response.body;
  const ended = (async () => {
    try {
      for await (const chunk of body) {
        events.push(...parser.push(decoder.decode(chunk, { stream: true })));
        for (const wake of waiters) wake();
        if (events.some((e) => e.event === 'end' || e.event === 'error')) return;
      }
    } catch (error) {
      if (!stop.signal.aborted) throw error;
    } finally {
      for (const wake of waiters) wake();
    }
  })();
  const lines = () =>
    events.flatMap((e) => (e.event === 'logs' ? (JSON.parse(e.data) as { lines: string[] }).lines : []));
  return {
    events,
    lines,
    ended,
    async until(check, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check(lines())) {
        const left = deadline - Date.now();
        assert.ok(
          left > 0,
          `log lines never matched; read:\n${lines().slice(-20).join('\n')}\nevents: ${events.map((e) => e.event).join(',')}`,
        );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 500));
          waiters.add(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        waiters.clear();
      }
    },
    close: () => stop.abort(),
  };
}

/** A shell WebSocket: the output so far (text), control messages, and how to type and resize. */
export interface ShellClient {
  output(): string;
  messages: { type: string; [field: string]: unknown }[];
  type(text: string): void;
  resize(cols: number, rows: number): void;
  /** Resolves when the output contains `text` (after `from`, an offset into the output). */
  waitFor(text: string | RegExp, from?: number, timeoutMs?: number): Promise<void>;
  /** Resolves with the `exit` message when the server closes the session. */
  readonly closed: Promise<{ type: string; exit_code?: number | null; reason?: string }>;
  close(): void;
}

/**
 * Opens a shell WebSocket with a bearer token, or with the headers given (a session cookie, an
 * Origin); rejects with the HTTP status and body when the server refuses it.
 */
export function openShell(url: string, credentials: string | Record<string, string>): Promise<ShellClient> {
  const headers = typeof credentials === 'string' ? { authorization: `Bearer ${credentials}` } : credentials;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), { headers });
    let output = '';
    const messages: ShellClient['messages'] = [];
    const waiters = new Set<() => void>();
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      response.on('end', () => reject(new Error(`shell refused: ${response.statusCode} ${body}`)));
    });
    socket.on('error', reject);
    socket.on('message', (data, isBinary) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (isBinary) output += bytes.toString('utf8');
      else messages.push(JSON.parse(bytes.toString('utf8')) as ShellClient['messages'][number]);
      for (const wake of waiters) wake();
    });
    const closed = new Promise<{ type: string; exit_code?: number | null; reason?: string }>((done) => {
      socket.on('close', () => {
        for (const wake of waiters) wake();
        done(messages.find((m) => m.type === 'exit') ?? { type: 'none' });
      });
    });
    socket.on('open', () =>
      resolve({
        output: () => output,
        messages,
        type: (text) => socket.send(Buffer.from(text), { binary: true }),
        resize: (cols, rows) => socket.send(JSON.stringify({ type: 'resize', cols, rows })),
        async waitFor(text, from = 0, timeoutMs = 20_000) {
          const deadline = Date.now() + timeoutMs;
          const found = () => {
            const rest = output.slice(from);
            return typeof text === 'string' ? rest.includes(text) : text.test(rest);
          };
          while (!found()) {
            const left = deadline - Date.now();
            assert.ok(left > 0, `the terminal never showed ${text}; it shows:\n${output.slice(-2000)}`);
            assert.notEqual(
              socket.readyState,
              socket.CLOSED,
              `the shell closed before showing ${text}:\n${output}`,
            );
            await new Promise<void>((wake) => {
              const timer = setTimeout(wake, Math.min(left, 500));
              waiters.add(() => {
                clearTimeout(timer);
                wake();
              });
            });
            waiters.clear();
          }
        },
        closed,
        close: () => socket.close(),
      }),
    );
  });
}
