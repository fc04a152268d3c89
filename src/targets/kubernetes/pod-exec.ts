import { PassThrough, Writable } from 'node:stream';
import { Exec, type KubeConfig } from '@kubernetes/client-node';
import WebSocket from 'ws';
import {
  type ExecExit,
  type ExecSession,
  INPUT_NOT_READ,
  MAX_PENDING_INPUT_BYTES,
  type TerminalSize,
} from '../environment-operations.ts';
import { execExit, resizeMessage } from './exec-channel.ts';
import { ExecSocketConnector } from './exec-socket.ts';
import { apiServerUrl } from './kube-connection.ts';
import { operationFailure } from './operation-errors.ts';

/** A command to start in one container. */
export interface PodExecRequest {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  size: TerminalSize;
  signal: AbortSignal;
}

/** Output kept for the first listener: what a command prints before anyone listens (its prompt). */
const EARLY_OUTPUT_LIMIT = 1024 * 1024;

/**
 * Runs a command in a container with a terminal through the API server (`pods/exec` over a
 * WebSocket, `v5.channel.k8s.io` where offered): stdin and the terminal's output as bytes, terminal
 * sizes on the resize channel (the first one as soon as the session opens), the exit code from the
 * final status. Pausing stops reading the WebSocket (client-node's stream handling ignores a full
 * Writable, so the socket itself is paused): the API server's and kubelet's buffers fill and the
 * command blocks. Input waiting in the socket beyond MAX_PENDING_INPUT_BYTES ends the session.
 *
 * @throws GantryError: `unavailable` when the API server cannot be reached or refuses (a 403 names
 *   the refused verb on pods/exec: a WebSocket exec needs `get` and `create`), `not_found` when the
 *   pod is gone, `conflict` when the container cannot run the command now (400).
 */
export async function startPodExec(kubeConfig: KubeConfig, request: PodExecRequest): Promise<ExecSession> {
  const { namespace, pod, container, signal } = request;
  signal.throwIfAborted();
  const server = apiServerUrl(kubeConfig);
  const output = new OutputFanOut();
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, done) {
      output.deliver(chunk);
      done();
    },
  });
  const stdin = new PassThrough();
  let settle: (exit: ExecExit) => void = () => {};
  const exited = new Promise<ExecExit>((resolve) => {
    settle = resolve;
  });
  let ended = false;
  const finish = (exit: ExecExit) => {
    if (ended) return;
    ended = true;
    signal.removeEventListener('abort', close);
    settle(exit);
  };

  let socket: WebSocket;
  try {
    socket = await new Exec(kubeConfig, new ExecSocketConnector(kubeConfig)).exec(
      namespace,
      pod,
      container,
      request.command,
      stdout,
      null, // a terminal merges stderr into its output, as with kubectl -t
      stdin,
      true,
      (status) => finish(execExit(status)),
    );
  } catch (error) {
    throw operationFailure(error, {
      what: `start a shell in ${pod}/${container}`,
      // A WebSocket exec is a GET, which the API server also checks for `create`.
      permission: { verbs: ['get', 'create'], resource: 'pods/exec' },
      namespace,
      server,
    });
  }

  let lastError = '';
  socket.on('error', (error) => {
    lastError = error.message;
  });
  socket.on('close', (code, reason) => {
    const why = reason.toString() || lastError;
    finish({
      exitCode: null,
      error: `the connection to the Kubernetes API at ${server} closed before the command ended (${code}${why ? `: ${why}` : ''})`,
    });
  });
  socket.send(resizeMessage(request.size));

  function close() {
    finish({ exitCode: null });
    // The closing handshake needs the server's close frame read.
    socket.resume();
    if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)
      socket.close(1000);
  }
  signal.addEventListener('abort', close, { once: true });
  if (signal.aborted) close();

  return {
    pod,
    container,
    exited,
    write(data) {
      if (ended) return;
      stdin.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      // Keystrokes move from stdin to the socket; neither drains while the command does not read.
      if (stdin.readableLength + stdin.writableLength + socket.bufferedAmount > MAX_PENDING_INPUT_BYTES) {
        finish({ exitCode: null, error: INPUT_NOT_READ });
        // Not a closing handshake: it would queue behind the input nobody reads.
        socket.terminate();
      }
    },
    resize(size) {
      if (!ended && socket.readyState === WebSocket.OPEN) socket.send(resizeMessage(size));
    },
    onOutput(listener) {
      output.listen(listener);
    },
    pause() {
      socket.pause();
    },
    resume() {
      socket.resume();
    },
    close,
  };
}

/** Passes output to every listener; what comes before the first one is kept for it (up to a limit). */
class OutputFanOut {
  readonly #listeners: ((data: Uint8Array) => void)[] = [];
  #early: Buffer[] = [];
  #earlyBytes = 0;

  deliver(data: Buffer): void {
    if (this.#listeners.length === 0) {
      if (this.#earlyBytes + data.length <= EARLY_OUTPUT_LIMIT) {
        this.#early.push(Buffer.from(data));
        this.#earlyBytes += data.length;
      }
      return;
    }
    for (const listener of this.#listeners) listener(data);
  }

  listen(listener: (data: Uint8Array) => void): void {
    this.#listeners.push(listener);
    const early = this.#early;
    this.#early = [];
    this.#earlyBytes = 0;
    for (const data of early) listener(data);
  }
}
