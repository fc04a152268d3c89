import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import WebSocket from 'ws';
import { LogMasker } from '../domain/log-masker.ts';
import { extractArtifacts } from './executor/extract-artifacts.ts';
import type { Executor, JobIo } from './executor/job-executor.ts';
import { type JobResult, type JobSpec, maskedValues } from './job-spec.ts';
import {
  encodeLogFrame,
  parseMessage,
  RUNNER_PROTOCOL_VERSION,
  type RunnerMessage,
  type ServerMessage,
} from './runner-protocol.ts';

export interface RunnerAgentOptions {
  /** The Gantry server's base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  token: string;
  name: string;
  concurrency: number;
  executor: Executor;
  log: (line: string) => void;
  /** Longest wait between reconnection attempts (default 5 s). */
  maxReconnectDelayMs?: number;
}

interface RunningJob {
  abort: AbortController;
  done: Promise<void>;
}

/**
 * A runner: holds a WebSocket to the server, runs the jobs the server pushes (no polling), streams
 * their logs (masked here already, and again on the server), and reports results. It reconnects
 * on its own and tells the server which jobs it is still running; results that could not be sent
 * are sent after reconnecting.
 */
export class RunnerAgent {
  readonly #options: RunnerAgentOptions;
  readonly #running = new Map<number, RunningJob>();
  readonly #unsent: RunnerMessage[] = [];
  #socket: WebSocket | null = null;
  #heartbeat: NodeJS.Timeout | undefined;
  #reconnect: NodeJS.Timeout | undefined;
  #delay = 100;
  #stopping = false;
  #connectedWaiters: Array<() => void> = [];

  constructor(options: RunnerAgentOptions) {
    this.#options = options;
  }

  get connected(): boolean {
    return this.#socket?.readyState === WebSocket.OPEN && this.#welcomed;
  }

  #welcomed = false;

  start(): void {
    this.#stopping = false;
    this.#connect();
  }

  /** Resolves once the server has welcomed this runner. */
  waitUntilConnected(): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve) => this.#connectedWaiters.push(resolve));
  }

  /** Cancels running jobs, waits (up to `graceMs`) for their results to be sent, then disconnects. */
  async stop(graceMs = 10_000): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#reconnect);
    for (const job of this.#running.values()) job.abort.abort();
    const done = Promise.all([...this.#running.values()].map((job) => job.done));
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    clearInterval(this.#heartbeat);
    this.#socket?.close(1000, 'runner stopping');
    this.#socket = null;
  }

  #connect(): void {
    const endpoint = `${this.#options.url.replace(/^http/, 'ws').replace(/\/+$/, '')}/api/v1/runners/connect`;
    const socket = new WebSocket(endpoint, {
      headers: { authorization: `Bearer ${this.#options.token}` },
      perMessageDeflate: false,
    });
    this.#socket = socket;
    socket.on('open', () => {
      this.#delay = 100;
      this.#send({
        type: 'hello',
        name: this.#options.name,
        concurrency: this.#options.concurrency,
        running: [...this.#running.keys()],
        version: RUNNER_PROTOCOL_VERSION,
      });
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const message = parseMessage<ServerMessage>(String(data), ['welcome', 'job', 'cancel']);
      if (message) this.#handle(message);
    });
    socket.on('unexpected-response', (_request, response) => {
      this.#options.log(`server refused the runner connection: HTTP ${response.statusCode}`);
    });
    socket.on('error', (error) => this.#options.log(`runner connection error: ${error.message}`));
    socket.on('close', () => {
      this.#welcomed = false;
      clearInterval(this.#heartbeat);
      if (this.#socket === socket) this.#socket = null;
      if (this.#stopping) return;
      this.#reconnect = setTimeout(() => this.#connect(), this.#delay);
      this.#delay = Math.min(this.#delay * 2, this.#options.maxReconnectDelayMs ?? 5000);
    });
  }

  #handle(message: ServerMessage): void {
    if (message.type === 'welcome') {
      this.#welcomed = true;
      clearInterval(this.#heartbeat);
      this.#heartbeat = setInterval(
        () => this.#send({ type: 'heartbeat', running: [...this.#running.keys()] }),
        message.heartbeatSeconds * 1000,
      );
      this.#heartbeat.unref();
      for (const pending of this.#unsent.splice(0)) this.#send(pending);
      for (const resolve of this.#connectedWaiters.splice(0)) resolve();
      return;
    }
    if (message.type === 'cancel') {
      this.#running.get(message.jobId)?.abort.abort();
      return;
    }
    if (this.#running.has(message.spec.id) || this.#stopping) return;
    const abort = new AbortController();
    const done = this.#run(message.spec, abort.signal).finally(() => this.#running.delete(message.spec.id));
    this.#running.set(message.spec.id, { abort, done });
  }

  async #run(spec: JobSpec, signal: AbortSignal): Promise<void> {
    const masker = new LogMasker(maskedValues(spec));
    const sendLog = (chunk: Buffer) => {
      if (chunk.length > 0 && this.#welcomed && this.#socket?.readyState === WebSocket.OPEN) {
        this.#socket.send(encodeLogFrame(spec.id, chunk), { binary: true });
      }
    };
    const io: JobIo = {
      log: (chunk) => sendLog(masker.push(chunk)),
      downloadArtifacts: (dependency, into) => this.#download(spec, dependency.jobId, into),
      uploadArtifacts: (archive) => this.#upload(spec, archive),
    };
    let result: JobResult;
    try {
      result = await this.#options.executor.run(spec, io, signal);
    } catch (error) {
      io.log(Buffer.from(`\r\nERROR: runner failure: ${(error as Error).message}\r\n`));
      result = { status: 'failed', exitCode: null, failureReason: 'runner_system_failure', dotenv: null };
    }
    sendLog(masker.end());
    this.#send({ type: 'finished', jobId: spec.id, result });
  }

  /** Sends a message once the server has welcomed this connection; results wait for the next one. */
  #send(message: RunnerMessage): void {
    const open = this.#socket?.readyState === WebSocket.OPEN;
    if (open && (this.#welcomed || message.type === 'hello')) this.#socket?.send(JSON.stringify(message));
    else if (message.type === 'finished') this.#unsent.push(message);
  }

  async #download(spec: JobSpec, jobId: number, into: string): Promise<void> {
    const response = await fetch(`${this.#options.url}/api/v1/jobs/${jobId}/artifacts`, {
      headers: { 'job-token': spec.token },
    });
    if (!response.ok || !response.body) {
      throw new Error(`downloading artifacts of job ${jobId} failed: HTTP ${response.status}`);
    }
    const dir = await mkdtemp(join(tmpdir(), 'gantry-artifacts-'));
    try {
      const archive = join(dir, 'artifacts.tar.gz');
      await pipeline(
        Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
        createWriteStream(archive),
      );
      await extractArtifacts(archive, into);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async #upload(spec: JobSpec, archive: string): Promise<void> {
    const size = (await stat(archive)).size;
    const response = await fetch(`${this.#options.url}/api/v1/jobs/${spec.id}/artifacts`, {
      method: 'PUT',
      headers: {
        'job-token': spec.token,
        'content-type': 'application/gzip',
        'content-length': String(size),
      },
      body: Readable.toWeb(createReadStream(archive)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    if (!response.ok) {
      throw new Error(`uploading artifacts failed: HTTP ${response.status} ${await response.text()}`);
    }
  }
}
