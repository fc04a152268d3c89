import type { FastifyReply } from 'fastify';
import type { GantryApp } from './gantry-app.ts';

/** A comment line: EventSource ignores it, and it keeps proxies from closing an idle connection. */
export const SSE_KEEP_ALIVE = ': keep-alive\n\n';

/** One Server-Sent Events message: `event`, `data` as a single line of JSON, and an optional `id`. */
export function sseMessage(event: string, data: unknown, id?: number | string): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** An open Server-Sent Events response, written outside Fastify's reply cycle. */
export interface EventStream {
  /**
   * Writes SSE text. False when the socket's buffer is full: the text is still sent, but the
   * client is not keeping up, so wait for `drained()` (or drop what comes next) rather than write on.
   */
  write(text: string): boolean;
  /** Resolves once the buffered text has been handed to the socket, or the stream closed. */
  drained(): Promise<void>;
  /** Bytes written but not yet handed to the socket. */
  readonly queuedBytes: number;
  /** True once the client went away or the server began shutting down. */
  readonly closed: boolean;
  /** Runs `listener` once when the stream closes: the client went away or the server is shutting down. */
  onClose(listener: () => void): void;
  /** Ends the response, after `text` when given; nothing happens if the client is already gone. */
  end(text?: string): void;
}

/**
 * Returns a function that turns a reply into an SSE stream: it takes the response over from
 * Fastify (hijack), sends the headers at once so the client knows the stream is open, and tracks
 * the stream so that a server shutting down closes it, since `app.close()` would otherwise wait
 * for every client to leave. Call once per route module.
 */
export function eventStreams(app: GantryApp): (reply: FastifyReply) => EventStream {
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const close of [...open]) close();
  });
  return (reply) => {
    const raw = reply.raw;
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      // Tells nginx not to buffer the stream, which would hold events back.
      'x-accel-buffering': 'no',
    });
    raw.flushHeaders();
    const listeners: Array<() => void> = [];
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      open.delete(close);
      for (const listener of listeners.splice(0)) listener();
    };
    open.add(close);
    raw.on('close', close);
    // A client that left while the route was still preparing (authorizing, opening a target)
    // closed its socket before this listener existed: the stream is over before it began.
    const socket = reply.request.raw.socket;
    if (socket === null || socket.destroyed) close();
    return {
      write: (text) => raw.write(text),
      drained: () =>
        closed || !raw.writableNeedDrain
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              const done = () => {
                raw.off('drain', done);
                raw.off('close', done);
                resolve();
              };
              raw.on('drain', done);
              raw.on('close', done);
            }),
      get queuedBytes() {
        return raw.writableLength;
      },
      get closed() {
        return closed;
      },
      onClose: (listener) => {
        if (closed) listener();
        else listeners.push(listener);
      },
      end: (text) => {
        if (!raw.destroyed && !raw.writableEnded) raw.end(text);
        close();
      },
    };
  };
}
