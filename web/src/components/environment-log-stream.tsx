import { type CSSProperties, memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { API_PREFIX } from '../api/api-client.ts';
import type { ApiError } from '../api/api-error.ts';
import { refusalOf } from '../api/refusal.ts';
import { CappedList } from '../lib/capped-list.ts';
import {
  applyLogEvent,
  formatLogTime,
  LOG_VIEW_CAPACITY,
  type LogEntry,
  parseLogEvent,
  skippedText,
} from '../lib/environment-log.ts';
import { isAtBottom, visibleLines } from '../lib/log-window.ts';
import { AnsiText } from './ansi-text.tsx';
import { useScrollViewport } from './use-scroll-viewport.ts';
import '../pipelines.css';
import { ErrorMessage } from './error-message.tsx';

/** Every row is this tall (`.log-line` in pipelines.css): windowing depends on it. */
const LINE_HEIGHT = 20;
/** Rows drawn above and below the visible ones. */
const OVERSCAN = 20;
const EVENT_TYPES = ['logs', 'skipped', 'end', 'error'] as const;

type Phase = 'connecting' | 'streaming' | 'ended' | 'lost' | 'failed';

const PHASE_TEXT: Record<Phase, string> = {
  connecting: 'Connecting…',
  streaming: 'Live',
  ended: 'End of the log',
  lost: 'Connection lost',
  failed: 'The log could not be read',
};

/** One line (or skipped marker); memoised so rows already drawn are not parsed again per frame. */
const Row = memo(function Row({ entry, label, colour }: { entry: LogEntry; label: string; colour: number }) {
  if (entry.kind === 'skipped')
    return <div className="log-line env-log-skipped">{skippedText(entry.lines)}</div>;
  return (
    <div className="log-line">
      <span className="env-log-time" title={entry.time ?? undefined}>
        {entry.time ? formatLogTime(entry.time) : ''}
      </span>
      <span className={`env-log-source log-source-${colour}`} title={entry.source}>
        {label}
      </span>
      <span>
        <AnsiText text={entry.text} />
      </span>
    </div>
  );
});

/**
 * An environment's log streamed from `GET <path>` (Server-Sent Events: `logs`, `skipped`, `end`,
 * `error`), each line tagged with its source. At most {@link LOG_VIEW_CAPACITY} entries are kept,
 * the oldest dropped; events are applied as they come and drawn once per animation frame, and only
 * the rows in view are in the DOM, so a fast producer does not freeze the page. The view follows
 * the end while the reader is there; scrolling up pauses that (the rows read stay in place as old
 * ones are dropped) until "Jump to latest". The stream is closed on unmount and on `end`, and not
 * reopened by the browser after a lost connection (that would repeat the tail): `onReconnect`
 * offers it to the reader. Key the component by `path`: another query gets a fresh view.
 */
export function EnvironmentLogStream({
  path,
  labelOf,
  colourOf,
  onReconnect,
}: {
  path: string;
  labelOf: (source: string) => string;
  colourOf: (source: string) => number;
  onReconnect: () => void;
}) {
  const [entries] = useState(() => new CappedList<LogEntry>(LOG_VIEW_CAPACITY));
  const [, setVersion] = useState(0);
  const [phase, setPhase] = useState<Phase>('connecting');
  const [error, setError] = useState<ApiError | string>();
  const [following, setFollowing] = useState(true);
  const scroller = useRef<HTMLElement>(null);
  /** Entries dropped when last drawn: a paused view moves up by what was dropped since. */
  const droppedDrawn = useRef(0);

  useEffect(() => {
    let frame: number | undefined;
    const redraw = () => {
      frame = undefined;
      setVersion((version) => version + 1);
    };
    const source = new EventSource(`${API_PREFIX}${path}`, { withCredentials: true });
    const stop = (next: Phase) => {
      source.close();
      if (frame !== undefined) cancelAnimationFrame(frame);
      redraw();
      setPhase(next);
    };
    source.addEventListener('open', () => setPhase('streaming'));
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (event) => {
        // `error` is both the API's event (with data) and the browser's connection error (without).
        if (!(event instanceof MessageEvent)) {
          const refused = source.readyState === EventSource.CLOSED;
          stop(refused ? 'failed' : 'lost');
          if (refused)
            void refusalOf(path).then((refusal) => setError(refusal ?? 'The log stream was refused.'));
          return;
        }
        const parsed = parseLogEvent(type, String(event.data));
        if (parsed.type === 'end') stop('ended');
        else if (parsed.type === 'error') {
          stop('failed');
          setError(parsed.message);
        } else {
          applyLogEvent(entries, parsed);
          frame ??= requestAnimationFrame(redraw);
        }
      });
    }
    return () => {
      source.close();
      if (frame !== undefined) cancelAnimationFrame(frame);
    };
  }, [entries, path]);

  const { viewport, measure } = useScrollViewport(scroller);

  // After each redraw: a following view jumps to the new end; a paused one keeps its rows in place.
  useLayoutEffect(() => {
    const element = scroller.current;
    const dropped = entries.dropped - droppedDrawn.current;
    droppedDrawn.current = entries.dropped;
    if (!element) return;
    if (following) element.scrollTop = element.scrollHeight;
    else if (dropped > 0) element.scrollTop -= dropped * LINE_HEIGHT;
  });

  const onScroll = () => {
    const element = measure();
    if (element) setFollowing(isAtBottom(element.scrollTop, element.clientHeight, element.scrollHeight));
  };

  const count = entries.length;
  const { first, end } = visibleLines({
    ...viewport,
    lineHeight: LINE_HEIGHT,
    lineCount: count,
    overscan: OVERSCAN,
  });
  const rows = [];
  for (let index = first; index < end; index++) {
    const entry = entries.at(index);
    const source = entry.kind === 'line' ? entry.source : '';
    rows.push(
      <Row
        key={entries.dropped + index}
        entry={entry}
        label={entry.kind === 'line' ? labelOf(source) : ''}
        colour={entry.kind === 'line' ? colourOf(source) : 0}
      />,
    );
  }
  const live = phase === 'streaming' || phase === 'connecting';

  return (
    <div className="stack env-log">
      <div className="row row-spread">
        <span className="row">
          <span className={`env-log-phase env-log-phase-${phase}`} role="status">
            {phase === 'streaming' && !following ? 'Live, paused while you read' : PHASE_TEXT[phase]}
          </span>
          {count > 0 && (
            <span className="muted">
              {count.toLocaleString()} {count === 1 ? 'line' : 'lines'}
              {entries.dropped > 0 && `, ${entries.dropped.toLocaleString()} older ones dropped`}
            </span>
          )}
        </span>
        <span className="row">
          {!following && count > 0 && (
            <button type="button" className="button button-small" onClick={() => setFollowing(true)}>
              Jump to latest
            </button>
          )}
          {!live && (
            <button type="button" className="button button-small" onClick={onReconnect}>
              {phase === 'ended' ? 'Read again' : 'Reconnect'}
            </button>
          )}
        </span>
      </div>
      <ErrorMessage error={error} />
      <section
        ref={scroller}
        className="log log-scroller env-log-scroller"
        aria-label="Environment log"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: focusable so the keyboard can scroll it.
        tabIndex={0}
        onScroll={onScroll}
      >
        {count === 0 ? (
          <p className="log-empty">
            {live ? 'Waiting for lines…' : 'No lines: nothing was written, or nothing matches the filter.'}
          </p>
        ) : (
          <div className="log-spacer" style={{ height: count * LINE_HEIGHT }}>
            <div
              className="log-lines"
              style={{ transform: `translateY(${first * LINE_HEIGHT}px)` } as CSSProperties}
            >
              {rows}
            </div>
          </div>
        )}
      </section>
    </div>
  );
}
