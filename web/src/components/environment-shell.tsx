import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import '../pipelines.css';
import { type RefObject, useEffect, useId, useRef, useState } from 'react';
import { API_PREFIX } from '../api/api-client.ts';
import type { ApiError } from '../api/api-error.ts';
import type { EnvironmentContainers } from '../api/environment-operations-types.ts';
import { refusalOf } from '../api/refusal.ts';
import {
  exitText,
  keystrokeBytes,
  parseCommand,
  parseShellMessage,
  resizeMessage,
  shellQuery,
  webSocketUrl,
} from '../lib/shell-session.ts';
import { useProject } from '../project-context.tsx';
import { nothingRunning, sourceOf, useEnvironmentContainers } from './environment-logs.tsx';
import { ErrorMessage } from './error-message.tsx';
import { Loaded } from './loading.tsx';

type Phase = 'idle' | 'connecting' | 'open' | 'ended';

/** What the status line says about the session. */
interface Status {
  phase: Phase;
  text: string;
  error?: ApiError | string;
}

/** The value of a CSS variable of the page, so the terminal takes the stylesheet's colours and font. */
function cssVariable(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** The terminal, fitted to its element and refitted whenever that element changes size. */
function useTerminal(element: RefObject<HTMLDivElement | null>) {
  const [terminal, setTerminal] = useState<{ term: Terminal; fit: FitAddon }>();
  useEffect(() => {
    const host = element.current;
    if (!host) return;
    // xterm's DOM renderer themes itself with <style> elements, which the server's CSP refuses:
    // environment-operations.css carries those rules, with these colours and this font.
    const term = new Terminal({
      fontFamily: cssVariable('--mono') || 'monospace',
      fontSize: 13,
      cursorBlink: true,
      scrollback: 5000,
      theme: { background: cssVariable('--log-bg'), foreground: cssVariable('--log-text') },
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host);
    fit.fit();
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(host);
    setTerminal({ term, fit });
    return () => {
      observer.disconnect();
      term.dispose();
    };
  }, [element]);
  return terminal;
}

/**
 * A shell inside one of the environment's containers, in a terminal: the container and the command
 * (`sh` unless typed otherwise), Connect and Disconnect. It talks to `GET …/shell` over a WebSocket:
 * keystrokes and output as binary frames, the terminal's size whenever it is fitted to its box
 * (window or layout changes), and the server's `started` and `exit` messages on the status line.
 * A refused shell (role, shells disabled on a protected environment, nothing running) shows the
 * API's reason.
 */
export function EnvironmentShell({
  environmentId,
  onSessionChanged,
}: {
  environmentId: number;
  /** Called when a session started or ended (its audit record changed). */
  onSessionChanged?: () => void;
}) {
  const containers = useEnvironmentContainers(environmentId);
  return (
    <Loaded state={containers}>
      {(view) => {
        const reason = nothingRunning(view);
        return reason ? (
          <div className="card empty">{reason}</div>
        ) : (
          <ShellTerminal environmentId={environmentId} view={view} onSessionChanged={onSessionChanged} />
        );
      }}
    </Loaded>
  );
}

function ShellTerminal({
  environmentId,
  view,
  onSessionChanged,
}: {
  environmentId: number;
  view: EnvironmentContainers;
  onSessionChanged: (() => void) | undefined;
}) {
  const { api } = useProject();
  const ids = useId();
  const running = view.containers.find((container) => container.state === 'running') ?? view.containers[0];
  const [source, setSource] = useState(running ? sourceOf(running) : '');
  const [command, setCommand] = useState('sh');
  const [status, setStatus] = useState<Status>({ phase: 'idle', text: 'Not connected.' });
  const [size, setSize] = useState<{ cols: number; rows: number }>();
  const host = useRef<HTMLDivElement>(null);
  const socket = useRef<WebSocket>(undefined);
  const terminal = useTerminal(host);

  // Keystrokes and size changes go to whichever socket is open.
  useEffect(() => {
    if (!terminal) return;
    const send = (data: Uint8Array<ArrayBuffer> | string) => {
      if (socket.current?.readyState === WebSocket.OPEN) socket.current.send(data);
    };
    setSize({ cols: terminal.term.cols, rows: terminal.term.rows });
    const subscriptions = [
      terminal.term.onData((data) => send(keystrokeBytes(data))),
      terminal.term.onBinary((data) => send(keystrokeBytes(data, true))),
      terminal.term.onResize(({ cols, rows }) => {
        setSize({ cols, rows });
        send(resizeMessage(cols, rows));
      }),
    ];
    return () => {
      for (const subscription of subscriptions) subscription.dispose();
    };
  }, [terminal]);

  // Leaving the page ends the session.
  useEffect(() => () => socket.current?.close(1000), []);

  const connect = () => {
    if (!terminal) return;
    let argv: string[];
    try {
      argv = parseCommand(command);
    } catch (error) {
      setStatus({ phase: 'idle', text: 'Not connected.', error: (error as Error).message });
      return;
    }
    const { term, fit } = terminal;
    term.reset();
    fit.fit();
    const path = `${api}/environments/${environmentId}/shell?${shellQuery({
      source: source || null,
      command: argv,
      cols: term.cols,
      rows: term.rows,
    })}`;
    const ws = new WebSocket(webSocketUrl(window.location, `${API_PREFIX}${path}`));
    ws.binaryType = 'arraybuffer';
    socket.current = ws;
    let opened = false;
    let ended = false;
    setStatus({ phase: 'connecting', text: 'Connecting…' });
    ws.addEventListener('open', () => {
      opened = true;
      term.focus();
    });
    ws.addEventListener('message', (event: MessageEvent<ArrayBuffer | string>) => {
      if (typeof event.data !== 'string') {
        term.write(new Uint8Array(event.data));
        return;
      }
      const message = parseShellMessage(event.data);
      if (message?.type === 'started') {
        onSessionChanged?.();
        setStatus({
          phase: 'open',
          text: `Connected to ${message.pod}/${message.container} (session ${message.session_id}).`,
        });
      } else if (message?.type === 'exit') {
        ended = true;
        setStatus({ phase: 'ended', text: exitText(message) });
      }
    });
    ws.addEventListener('close', (event) => {
      if (socket.current === ws) socket.current = undefined;
      if (opened) onSessionChanged?.();
      if (ended) return;
      if (!opened) {
        // The browser does not say why an upgrade was refused: ask the API with a plain request.
        // It checks who may open a shell first; past that it answers `bad_request` (not a
        // WebSocket), so the refusal came from opening the shell itself.
        const text = 'The shell could not be opened.';
        setStatus({ phase: 'ended', text });
        void refusalOf(path).then((refusal) =>
          setStatus(
            refusal && refusal.code !== 'bad_request'
              ? { phase: 'ended', text, error: refusal }
              : {
                  phase: 'ended',
                  text: `${text} The container may have stopped, or its target cannot be reached: see the logs.`,
                },
          ),
        );
      } else {
        setStatus({
          phase: 'ended',
          text: event.code === 1000 ? 'Disconnected.' : `The connection was lost (code ${event.code}).`,
        });
      }
    });
  };

  const disconnect = () => socket.current?.close(1000);
  const busy = status.phase === 'connecting' || status.phase === 'open';

  return (
    <div className="stack">
      <form
        className="env-shell-controls"
        aria-label="Shell"
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy) connect();
        }}
      >
        <div className="field">
          <label htmlFor={`${ids}-source`}>Container</label>
          <select
            id={`${ids}-source`}
            value={source}
            disabled={busy}
            onChange={(event) => setSource(event.target.value)}
          >
            {view.containers.map((container) => (
              <option key={sourceOf(container)} value={sourceOf(container)}>
                {sourceOf(container)} ({container.state})
              </option>
            ))}
          </select>
        </div>
        <div className="field env-shell-command">
          <label htmlFor={`${ids}-command`}>Command</label>
          <input
            id={`${ids}-command`}
            type="text"
            value={command}
            disabled={busy}
            spellCheck={false}
            autoComplete="off"
            onChange={(event) => setCommand(event.target.value)}
          />
        </div>
        {busy ? (
          <button type="button" className="button" onClick={disconnect}>
            Disconnect
          </button>
        ) : (
          <button type="submit" className="button button-primary" disabled={!terminal}>
            Connect
          </button>
        )}
      </form>
      <div className="row row-spread">
        <p className={`env-shell-status env-shell-status-${status.phase}`} role="status">
          {status.text}
        </p>
        {size && (
          <span className="muted">
            {size.cols} columns × {size.rows} rows
          </span>
        )}
      </div>
      <ErrorMessage error={status.error} />
      <section className="log env-shell-terminal" aria-label="Terminal">
        <div ref={host} className="env-shell-host" />
      </section>
    </div>
  );
}
