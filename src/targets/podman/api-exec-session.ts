import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { GantryError } from '../../domain/errors.ts';
import {
  type ExecExit,
  type ExecSession,
  INPUT_NOT_READ,
  MAX_PENDING_INPUT_BYTES,
  type TerminalSize,
} from '../environment-operations.ts';
import { type LibpodClient, libpodMessage } from './libpod-client.ts';
import { TerminalOutput } from './terminal-output.ts';

/** Control-C then control-D: what a person ends a shell with, for when the command cannot be killed. */
export const HANG_UP = new Uint8Array([0x03, 0x04]);

/** How long the exit code may take to show once the stream has ended. */
const EXIT_CODE_POLLS = 50;
const EXIT_CODE_POLL_MS = 20;

/** What one exec session through the libpod API needs. */
export interface ApiExecOptions {
  client: LibpodClient;
  pod: string;
  /** As declared. */
  container: string;
  /** Podman's name of the container. */
  podmanName: string;
  command: string[];
  size: TerminalSize;
  signal: AbortSignal;
  /**
   * Kills the command by its process id as the service reports it (while it says the command still
   * runs): given only where those ids are this server's (the service Gantry started itself).
   * Elsewhere closing hangs the terminal up.
   */
  killProcess?: (pid: number) => void;
  /** Releases what the session held (the service started for it), before `exited` resolves. */
  release: () => Promise<void>;
}

interface ExecInspect {
  Running?: boolean;
  ExitCode?: number;
  Pid?: number;
}

/**
 * A terminal through Podman's API: exec create (with a TTY), exec start with the connection
 * upgraded to a raw stream carrying the keystrokes in and the terminal's output out, exec resize
 * for each size change, and exec inspect for the exit code once the stream ends. Pausing stops
 * reading the stream (the service, conmon and then the command block); more than
 * MAX_PENDING_INPUT_BYTES of keystrokes the command does not read end the session.
 * @throws GantryError('not_found') when Podman does not know the container; GantryError('conflict')
 *   when it cannot run a command in it (not running); GantryError('unavailable') when the API
 *   cannot be reached.
 */
export async function openApiExecSession(options: ApiExecOptions): Promise<ExecSession> {
  const { client, size, signal } = options;
  let socket: Socket;
  let id: string;
  try {
    id = await createExec(options);
    socket = await client.upgrade(`/exec/${id}/start`, {
      Detach: false,
      Tty: true,
      h: size.rows,
      w: size.cols,
    });
  } catch (error) {
    await options.release();
    throw error;
  }
  const output = new TerminalOutput();
  const { promise: exited, resolve } = Promise.withResolvers<ExecExit>();
  let closed = false;
  let ending: Promise<void> | undefined;
  const end = (exit: () => Promise<ExecExit>) => {
    ending ??= (async () => {
      const result = await exit();
      signal.removeEventListener('abort', close);
      await options.release().catch(() => {});
      resolve(result);
    })();
  };
  /** Ends the session with `exit`: kills the command where Gantry may, else hangs its terminal up. */
  const stop = (exit: ExecExit) => {
    if (ending) return;
    closed = true;
    end(async () => {
      const killed = await killCommand(options, id);
      // A hang-up would wait behind input the command does not read.
      if (killed || exit.error) socket.destroy();
      else socket.end(HANG_UP, () => socket.destroy());
      return exit;
    });
  };
  const close = () => stop({ exitCode: null });
  const send = (data: Uint8Array) => {
    if (ending) return;
    socket.write(data);
    if (socket.writableLength > MAX_PENDING_INPUT_BYTES) stop({ exitCode: null, error: INPUT_NOT_READ });
  };
  let resizing: Promise<void> | undefined;
  /** Runs `step` once what was queued before it (resizes, keystrokes behind them) has run. */
  const after = (step: () => Promise<void> | void) => {
    const queued = (resizing ?? Promise.resolve()).then(step).catch(() => {});
    resizing = queued;
    void queued.then(() => {
      if (resizing === queued) resizing = undefined;
    });
  };
  socket.on('data', (data: Buffer) => output.push(data));
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    if (!closed) end(() => exitOf(client, id));
  });
  signal.addEventListener('abort', close, { once: true });
  if (signal.aborted) close();
  return {
    pod: options.pod,
    container: options.container,
    exited,
    write: (data) => {
      if (ending) return;
      if (resizing) after(() => send(data));
      else send(data);
    },
    // A resize is a request of its own: keystrokes typed after it wait for it, so a command typed
    // after resizing (`stty size`) sees the new size.
    resize: ({ cols, rows }) => {
      if (!ending) after(() => client.call('POST', `/exec/${id}/resize?h=${rows}&w=${cols}`).then(() => {}));
    },
    onOutput: (listener) => output.listen(listener),
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    close,
  };
}

/**
 * Kills the exec session's command where Gantry may, when Podman says, right before, that it still
 * runs: the process id of a command that has ended may already be another process's. True when
 * it was killed.
 */
async function killCommand(options: ApiExecOptions, id: string): Promise<boolean> {
  if (!options.killProcess) return false;
  const inspect = await options.client.call('GET', `/exec/${id}/json`).catch(() => undefined);
  const body = inspect?.body as ExecInspect | undefined;
  if (inspect?.status !== 200 || body?.Running !== true || !body.Pid) return false;
  try {
    options.killProcess(body.Pid);
  } catch {
    // Ended meanwhile.
  }
  return true;
}

async function createExec(options: ApiExecOptions): Promise<string> {
  const { client, podmanName, command, pod, container } = options;
  const created = await client.call('POST', `/containers/${encodeURIComponent(podmanName)}/exec`, {
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    Cmd: command,
  });
  const id = (created.body as { Id?: unknown } | undefined)?.Id;
  if (created.status === 201 && typeof id === 'string') return id;
  const message = `cannot run ${command.join(' ')} in container ${container} of pod ${pod}: ${libpodMessage(created)}`;
  if (created.status === 404) throw new GantryError('not_found', message);
  if (/state improper|not running/i.test(libpodMessage(created))) throw new GantryError('conflict', message);
  throw new GantryError('unavailable', message);
}

/** The exit code of an ended exec session (Podman may still be recording it when the stream ends). */
async function exitOf(client: LibpodClient, id: string): Promise<ExecExit> {
  try {
    for (let poll = 0; poll < EXIT_CODE_POLLS; poll++) {
      const inspect = await client.call('GET', `/exec/${id}/json`);
      const body = inspect.body as ExecInspect | undefined;
      if (inspect.status !== 200) return { exitCode: null, error: libpodMessage(inspect) };
      if (!body?.Running) return { exitCode: body?.ExitCode ?? null };
      await sleep(EXIT_CODE_POLL_MS);
    }
    return { exitCode: null, error: 'the command still runs after its terminal closed' };
  } catch (error) {
    return { exitCode: null, error: error instanceof Error ? error.message : String(error) };
  }
}
