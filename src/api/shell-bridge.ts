import type { WebSocket } from 'ws';
import type { ShellConnection } from '../services/environment-shell-service.ts';

/** Output waiting to be sent to the client above which the shell's output is paused… */
export const PAUSE_ABOVE_BYTES = 1024 * 1024;
/** …until it falls below this. */
export const RESUME_BELOW_BYTES = 256 * 1024;
/**
 * Output waiting to be sent beyond which the client is cut off: only reached should a target go
 * on delivering much output after it was paused.
 */
const MAX_WAITING_BYTES = 8 * 1024 * 1024;
/** The largest message a client may send (keystrokes, a paste, a resize); larger ones close the socket. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * Connects a shell WebSocket to a shell until either ends: binary frames are keystrokes and
 * terminal output, text frames control messages (`resize` in; `started`, `exit` out). A client
 * that does not keep up holds the shell: its output is paused while more than {@link
 * PAUSE_ABOVE_BYTES} wait to be sent to it, and resumed once less than {@link RESUME_BELOW_BYTES}
 * do (checked as each send completes).
 */
export function bridgeShell(socket: WebSocket, shell: ShellConnection): void {
  const send = (message: object) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  send({ type: 'started', session_id: shell.sessionId, pod: shell.pod, container: shell.container });
  let paused = false;
  const sent = () => {
    if (paused && socket.bufferedAmount < RESUME_BELOW_BYTES) {
      paused = false;
      shell.resume();
    }
  };
  shell.onOutput((data) => {
    if (socket.readyState !== socket.OPEN) return;
    // A closing handshake would wait behind what the client does not read.
    if (socket.bufferedAmount > MAX_WAITING_BYTES) return socket.terminate();
    socket.send(data, { binary: true }, sent);
    if (!paused && socket.bufferedAmount > PAUSE_ABOVE_BYTES) {
      paused = true;
      shell.pause();
    }
  });
  socket.on('message', (data, isBinary) => {
    const bytes = Buffer.isBuffer(data)
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.from(data);
    if (bytes.length > MAX_MESSAGE_BYTES) {
      socket.close(1009, `a message may have at most ${MAX_MESSAGE_BYTES} bytes`);
      return;
    }
    if (isBinary) return shell.write(bytes);
    const message = parseControl(bytes.toString('utf8'));
    if (message?.type === 'resize') shell.resize({ cols: message.cols, rows: message.rows });
  });
  socket.on('close', () => shell.close());
  socket.on('error', () => shell.close());
  void shell.ended.then((ending) => {
    send({
      type: 'exit',
      exit_code: ending.exitCode,
      reason: ending.reason,
      ...(ending.message !== undefined && { message: ending.message }),
    });
    if (socket.readyState === socket.OPEN) socket.close(1000, ending.reason);
  });
}

function parseControl(text: string): { type: 'resize'; cols: number; rows: number } | undefined {
  try {
    const value = JSON.parse(text) as { type?: unknown; cols?: unknown; rows?: unknown };
    if (value.type === 'resize' && typeof value.cols === 'number' && typeof value.rows === 'number') {
      return { type: 'resize', cols: value.cols, rows: value.rows };
    }
  } catch {
    // Not JSON: ignored, as any unknown control message is.
  }
  return undefined;
}
